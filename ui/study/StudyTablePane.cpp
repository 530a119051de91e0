#include "study/StudyTablePane.h"

#include "study/StudyFilterModel.h"
#include "study/StudyTableModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

#include <optional>
#include <set>
#include <string>

namespace minimascope::ui {

StudyTablePane::StudyTablePane(QWidget* parent) : QWidget(parent)
{
    m_model = new StudyTableModel(this);
    m_filter = new StudyFilterModel(this);
    m_filter->setSourceModel(m_model);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("studyTable"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(0, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &StudyTablePane::selectionChanged);
    connect(m_table, &QTableView::doubleClicked, this,
            [this](const QModelIndex& index) { Q_EMIT runActivated(m_filter->mapToSource(index).row()); });

    m_stateBox = new QComboBox(this);
    m_stateBox->setObjectName(QStringLiteral("stateFilterBox"));
    m_stateBox->addItem(tr("all states"), -1);
    for (core::StudyRunState s : {core::StudyRunState::Done, core::StudyRunState::Running, core::StudyRunState::ToDo,
                                  core::StudyRunState::Failed, core::StudyRunState::Diverged})
        m_stateBox->addItem(StudyTableModel::stateName(s), int(s));
    connect(m_stateBox, &QComboBox::currentIndexChanged, this, [this] {
        const int state = m_stateBox->currentData().toInt();
        m_filter->setStateFilter(state < 0 ? std::nullopt : std::optional(core::StudyRunState(state)));
    });
    m_axesEdit = new QLineEdit(this);
    m_axesEdit->setObjectName(QStringLiteral("axesFilterEdit"));
    m_axesEdit->setPlaceholderText(tr("Filter by axes, e.g. lr=0.1 seed=2"));
    m_axesEdit->setClearButtonEnabled(true);
    connect(m_axesEdit, &QLineEdit::textChanged, m_filter, &StudyFilterModel::setAxesFilter);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 0, 0);
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_stateBox);
    filterRow->addWidget(m_axesEdit, 1);
    layout->addLayout(filterRow);
    layout->addWidget(m_table, 1);
}

void StudyTablePane::setRuns(std::vector<core::StudyRunRecord> runs)
{
    std::set<std::string> selected;
    for (int run : selectedRuns())
        selected.insert(m_model->run(run).key);
    const bool wasEmpty = m_model->rowCount() == 0;
    m_model->setRuns(std::move(runs));   // in place when the same points fill in: nothing is lost
    // A reset (new axes, another study) drops the selection: it comes back by key.
    if (!m_table->selectionModel()->hasSelection() && !selected.empty()) {
        QItemSelection restore;
        for (int row = 0; row < m_model->rowCount(); ++row) {
            if (selected.count(m_model->run(row).key) == 0)
                continue;
            const QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
            if (index.isValid())
                restore.select(index, index.siblingAtColumn(m_filter->columnCount() - 1));
        }
        m_table->selectionModel()->select(restore, QItemSelectionModel::Select);
    }
    if (wasEmpty)
        m_table->resizeColumnsToContents();
}

std::vector<int> StudyTablePane::selectedRuns() const
{
    std::vector<int> runs;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        runs.push_back(m_filter->mapToSource(index).row());
    return runs;
}

void StudyTablePane::selectRun(int run)
{
    const QModelIndex index = m_filter->mapFromSource(m_model->index(run, 0));
    if (!index.isValid())
        return;   // filtered out
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

void StudyTablePane::selectFirstRow()
{
    if (m_table->selectionModel()->hasSelection() || m_filter->rowCount() == 0)
        return;
    m_table->selectionModel()->select(m_filter->index(0, 0),
                                      QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

}   // namespace minimascope::ui
