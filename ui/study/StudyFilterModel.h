#pragma once
// StudyFilterModel: the study table as the user sorts and filters it: by state (all, done,
// running, to do, failed, diverged) and by a text that must appear in the run's axes
// ("optimizer.lr=0.1, seed=2"; case-insensitive). Sorts on StudyTableModel::SortRole, so numbers
// sort as numbers. GUI thread only.
#include "study/StudyStore.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace minimascope::ui {

class StudyFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit StudyFilterModel(QObject* parent = nullptr);

    // nullopt shows every state.
    void setStateFilter(std::optional<core::StudyRunState> state);
    std::optional<core::StudyRunState> stateFilter() const { return m_state; }
    void setAxesFilter(const QString& text);
    QString axesFilter() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    std::optional<core::StudyRunState> m_state;
    QString m_text;
};

}   // namespace minimascope::ui
