#include "study/StudyFilterModel.h"

#include "study/StudyTableModel.h"

namespace minimascope::ui {

StudyFilterModel::StudyFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(StudyTableModel::SortRole);
    setDynamicSortFilter(true);
}

void StudyFilterModel::setStateFilter(std::optional<core::StudyRunState> state)
{
    if (state == m_state)
        return;
    m_state = state;
    invalidateFilter();
}

void StudyFilterModel::setAxesFilter(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    invalidateFilter();
}

bool StudyFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_state && index.data(StudyTableModel::StateRole).toInt() != int(*m_state))
        return false;
    if (!m_text.isEmpty()) {
        const QString axes = index.data(StudyTableModel::AxesTextRole).toString();
        // Every word must appear: "lr=0.1 seed=2" narrows like a search box.
        const QStringList words = m_text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QString& word : words)
            if (!axes.contains(word, Qt::CaseInsensitive))
                return false;
    }
    return true;
}

}   // namespace minimascope::ui
