#pragma once
// Run → "Loss along a line…": a 1D line through the last run's parameters, as `minimascope-cli
// landscape --directions scale|interpolate|permutation --dims 1` computes it — along the weight
// vector α·θ (Im, Tao & Branson), from the run's initial parameters to its final ones (Goodfellow
// et al.), or to the MLP's symmetric twin (hidden units permuted; the barrier between symmetric
// solutions). Asked in LossLineDialog, computed on the session's worker, drawn in the "Loss along
// a line" dock (a SlicePlot with the kind's axis text, DirectionText.h), on the Export menu. A kind
// the run cannot have is disabled in the dialog with the reason. GUI thread only.
#include "controllers/AnalysisViewController.h"
#include "workers/LossLineTypes.h"

#include <QList>
#include <QString>

namespace minimascope::ui {

class ExportController;
class PlotPanel;
class SlicePlot;
struct TrainingOutcome;

class LossLineController : public AnalysisViewController {
    Q_OBJECT
public:
    // Adds the dock to `window` and its plot to `exports` (before the Export menu is populated).
    LossLineController(RunController* runs, QMainWindow* window, ExportController* exports);

    SlicePlot* plot() const { return m_plot; }
    QList<PlotPanel*> plots() const;
    // Why the last run has no line of that kind; empty when it has one.
    QString whyNoInitialLine() const;
    QString whyNoTwinLine() const;
    // Starts the line without asking (the dialog's Compute, tests, --line); false with the reason
    // in the log (`finished` with Failed) when it cannot start now.
    bool start(const LossLineRequest& request);
    // The last line shown.
    const LossLineResult& lastResult() const { return m_result; }

protected:
    void ask() override;

private:
    void onTrainingFinished(const TrainingOutcome& outcome);
    void onReady(const LossLineResult& result);

    SlicePlot* m_plot;
    LossLineResult m_result;
    LossLineRequest m_last;
    bool m_keptInitial = false;
};

}   // namespace minimascope::ui
