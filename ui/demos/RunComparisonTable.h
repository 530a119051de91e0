#pragma once
// The "compare" demos' table (e.g. "optimizers"): one row per finished run of the demo, with
// the numbers to compare side by side: steps, final training loss, test accuracy, and the
// sharpness a and non-uniformity s measured at the run's end point. Filled by DemoController
// from the run controller's updates and outcomes; it computes nothing. GUI thread only.
#include <QTableWidget>

namespace minimascope::ui {

struct RunComparisonRow {
    QString label;
    qint64 iterations = 0;
    double trainLoss = 0.0;
    double testAccuracy = 0.0;    // fraction in [0, 1]
    double sharpness = 0.0;       // NaN when not measured
    double nonUniformity = 0.0;   // NaN when not measured
};

class RunComparisonTable : public QTableWidget {
    Q_OBJECT
public:
    explicit RunComparisonTable(QWidget* parent = nullptr);

    void clearRuns();
    void addRun(const RunComparisonRow& row);
    const QList<RunComparisonRow>& runs() const { return m_runs; }

private:
    QList<RunComparisonRow> m_runs;
};

}   // namespace minimascope::ui
