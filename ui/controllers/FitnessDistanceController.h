#pragma once
// Run → "Fitness-distance correlation…": for a run on the teacher-student data set, the loss of
// points at given distances from the teacher's weights in the run's student architecture, scattered
// against distance with the correlation r, as `minimascope-cli fdc` samples them (its seed: the
// run's). Computed on the session's worker, drawn in the "Fitness-distance" dock
// (plots/FitnessDistancePlot.h), on the Export menu. The action is disabled, with the reason as its
// tooltip, for runs on other data sets. GUI thread only.
#include "controllers/AnalysisViewController.h"
#include "workers/CatalogueRecords.h"

#include <QString>

namespace minimascope::ui {

class ExportController;
class FitnessDistancePlot;

class FitnessDistanceController : public AnalysisViewController {
    Q_OBJECT
public:
    // Adds the dock to `window` and its plot to `exports` (before the Export menu is populated).
    FitnessDistanceController(RunController* runs, QMainWindow* window, ExportController* exports);

    FitnessDistancePlot* plot() const { return m_plot; }
    // Starts the sample without asking (the dialog's OK, tests, --analysis); false with the reason
    // in the log (`finished` with Failed) when it cannot start now.
    bool start(const FitnessDistanceRequest& request);
    // The distances last asked for (fdc's default 0:20:21 at first), 20 points at each.
    bool startWithDefaults();
    // The last sample shown (its r and points).
    const FitnessDistanceResult& lastResult() const { return m_result; }

protected:
    QString whyUnfit() const override;
    void ask() override;

private:
    void onReady(const FitnessDistanceResult& result);

    FitnessDistancePlot* m_plot;
    FitnessDistanceResult m_result;
    QString m_distances = QStringLiteral("0:20:21");   // fdc's default, then the last one asked
    FitnessDistanceRequest m_last;
};

}   // namespace minimascope::ui
