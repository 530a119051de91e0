#pragma once
// Run → "Asymmetric valleys…": He, Huang & Yuan's scan at the last run's parameters, as
// `minimascope-cli asymmetry` does it (core/landscape/AsymmetricValleys.h): K filter-normalized
// random directions, each one's loss and exact slope at distances over [ζ, r] on both sides.
// Asked in AsymmetryDialog (seed: the run's, as the CLI's default), computed on the session's
// worker, drawn in the "Asymmetric valleys" dock: the histogram of the asymmetry ratio over the
// directions (plots/AsymmetryHistogram.h) above the curves of the kCurvesShown most asymmetric
// ones; both on the Export menu. GUI thread only.
#include "controllers/AnalysisViewController.h"
#include "workers/LossLineTypes.h"

#include <QList>

namespace minimascope::ui {

class AsymmetryHistogram;
class CurvesPlot;
class ExportController;
class PlotPanel;

class AsymmetryController : public AnalysisViewController {
    Q_OBJECT
public:
    // Adds the dock to `window` and its plots to `exports` (before the Export menu is populated).
    AsymmetryController(RunController* runs, QMainWindow* window, ExportController* exports);

    AsymmetryHistogram* histogram() const { return m_histogram; }
    CurvesPlot* curves() const { return m_curves; }
    QList<PlotPanel*> plots() const;
    // Starts the scan without asking (the dialog's Scan, tests, --asymmetry); false with the
    // reason in the log (`finished` with Failed) when it cannot start now.
    bool start(const AsymmetryRequest& request);
    // start() with what the dialog would offer (the last scan's settings; at first the defaults
    // with the run's seed, as the CLI's asymmetry).
    bool startWithDefaults() { return start(m_last); }
    // The last scan shown.
    const AsymmetryResult& lastResult() const { return m_result; }

    static constexpr int kCurvesShown = 3;

protected:
    void ask() override;

private:
    void onReady(const AsymmetryResult& result);

    AsymmetryHistogram* m_histogram;
    CurvesPlot* m_curves;
    AsymmetryResult m_result;
    AsymmetryRequest m_last;
};

}   // namespace minimascope::ui
