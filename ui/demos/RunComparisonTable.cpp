#include "demos/RunComparisonTable.h"

#include <QHeaderView>

#include <cmath>

namespace minimascope::ui {

namespace {

QTableWidgetItem* cell(const QString& text, bool number)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString measured(double value) { return std::isfinite(value) ? QString::number(value, 'g', 3) : QStringLiteral("—"); }

}   // namespace

RunComparisonTable::RunComparisonTable(QWidget* parent) : QTableWidget(parent)
{
    setObjectName(QStringLiteral("runComparisonTable"));
    setColumnCount(6);
    setHorizontalHeaderLabels({tr("Run"), tr("Steps"), tr("Loss"), tr("Test acc."), tr("a"), tr("s")});
    horizontalHeaderItem(4)->setToolTip(tr("Sharpness a = λmax(H) at the run's end point"));
    horizontalHeaderItem(5)->setToolTip(tr("Non-uniformity s = √λmax(Σ) at the run's end point"));
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
}

void RunComparisonTable::clearRuns()
{
    m_runs.clear();
    setRowCount(0);
}

void RunComparisonTable::addRun(const RunComparisonRow& row)
{
    m_runs << row;
    const int r = rowCount();
    setRowCount(r + 1);
    setItem(r, 0, cell(row.label, false));
    setItem(r, 1, cell(QString::number(row.iterations), true));
    setItem(r, 2, cell(QString::number(row.trainLoss, 'g', 3), true));
    setItem(r, 3, cell(QStringLiteral("%1%").arg(100.0 * row.testAccuracy, 0, 'f', 1), true));
    setItem(r, 4, cell(measured(row.sharpness), true));
    setItem(r, 5, cell(measured(row.nonUniformity), true));
}

}   // namespace minimascope::ui
