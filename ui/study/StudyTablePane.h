#pragma once
// StudyTablePane: the study window's table of runs with its filters: a state combo (all, done,
// running, to do, failed, diverged) and a text that the runs' axes must contain, above a sortable
// table (StudyTableModel through StudyFilterModel). setRuns() keeps the selection (by run key)
// and the sort order when the runs are refreshed. Rows are reported as run indices (rows of the
// model, which holds the runs in the store's order). GUI thread only.
#include "study/StudyStore.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLineEdit;
class QTableView;

namespace minimascope::ui {

class StudyFilterModel;
class StudyTableModel;

class StudyTablePane : public QWidget {
    Q_OBJECT
public:
    explicit StudyTablePane(QWidget* parent = nullptr);

    StudyTableModel* model() const { return m_model; }
    StudyFilterModel* filterModel() const { return m_filter; }
    QTableView* table() const { return m_table; }
    QComboBox* stateFilterBox() const { return m_stateBox; }
    QLineEdit* axesFilterEdit() const { return m_axesEdit; }

    // New runs; the selected runs stay selected (by key) when they are still there.
    void setRuns(std::vector<core::StudyRunRecord> runs);
    // The selected runs, in the table's order.
    std::vector<int> selectedRuns() const;
    // Selects only `run` and shows it (nothing when the filters hide it).
    void selectRun(int run);
    // Selects the first row shown, if nothing is selected.
    void selectFirstRow();

Q_SIGNALS:
    void selectionChanged();
    // A double-click on the row of `run`.
    void runActivated(int run);

private:
    StudyTableModel* m_model = nullptr;
    StudyFilterModel* m_filter = nullptr;
    QTableView* m_table = nullptr;
    QComboBox* m_stateBox = nullptr;
    QLineEdit* m_axesEdit = nullptr;
};

}   // namespace minimascope::ui
