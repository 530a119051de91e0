#pragma once
// StudyTableModel: the runs of a study (core::StudyStore's rows) as a table, one row per run in
// the store's order (by ordinal): #, state, one column per axis of the study (the keys found in
// the runs' axes JSON, in order of first appearance), optimizer, η, B, seed, train loss, test
// accuracy, iterations, a, s, stability, stop reason. A run that finished without reaching the
// loss target reads "not converged" in the stop-reason column. SortRole gives numbers as numbers
// (NaN and missing values sort first), so that a QSortFilterProxyModel sorts them right.
// setRuns() updates rows in place when the runs are the same points as before (the study being
// watched fills in), so that the views keep their selection and sort order. GUI thread only.
#include "study/StudyStore.h"

#include <QAbstractTableModel>
#include <QStringList>
#include <QVariant>
#include <QVariantMap>

#include <vector>

namespace minimascope::ui {

class StudyTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role {
        SortRole = Qt::UserRole + 1,   // number, or text for text columns
        StateRole,                     // int(core::StudyRunState) of the row
        AxesTextRole,                  // "optimizer.lr=0.1, seed=2" of the row
        FolderRole                     // the run folder relative to the study folder
    };
    // The columns that are not axes; axes sit between State and Optimizer.
    enum class Column {
        Index,
        State,
        Axis,
        Optimizer,
        Eta,
        BatchSize,
        Seed,
        TrainLoss,
        TestAccuracy,
        Iterations,
        Sharpness,
        NonUniformity,
        Stability,
        StopReason
    };

    explicit StudyTableModel(QObject* parent = nullptr);

    // Replaces the runs; in place (dataChanged, new points appended as inserted rows) when the
    // old runs are a prefix of the new ones with the same axis keys, else a reset.
    void setRuns(std::vector<core::StudyRunRecord> runs);
    const std::vector<core::StudyRunRecord>& runs() const { return m_runs; }
    const core::StudyRunRecord& run(int row) const { return m_runs[size_t(row)]; }
    QStringList axisKeys() const { return m_axisKeys; }

    // The column of a kind (for Axis: of axis key `axis`); -1 when there is none.
    int column(Column kind, const QString& axis = {}) const;
    Column kindOf(int column) const;

    // "done", "running", "to do", "failed", "diverged".
    static QString stateName(core::StudyRunState state);
    // The stop reason as the table shows it ("not converged (max_iterations)" for a finished run
    // that did not reach the loss target).
    static QString stopReasonText(const core::StudyRunRecord& run);
    // The value of `key` in the run's axes: a double for numbers and booleans, a QString for
    // text, an invalid QVariant when the run does not set that axis.
    static QVariant axisValue(const core::StudyRunRecord& run, const QString& key);
    // The keys of the run's axes JSON in its order.
    static QStringList axisKeysOf(const core::StudyRunRecord& run);
    // Numbers as the table writes them (4 significant digits; empty for NaN).
    static QString formatNumber(double value);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant displayValue(int row, Column kind, int column) const;
    QVariant sortValue(int row, Column kind, int column) const;
    static QStringList axisKeysOf(const std::vector<core::StudyRunRecord>& runs);

    std::vector<core::StudyRunRecord> m_runs;
    std::vector<QVariantMap> m_axisValues;   // per run: axis key -> axisValue()
    std::vector<QString> m_axesText;         // per run: AxesTextRole
    QStringList m_axisKeys;
};

}   // namespace minimascope::ui
