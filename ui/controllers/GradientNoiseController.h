#pragma once
// Run → "Gradient noise geometry…": the geometry of the gradient noise of the last run
// (GradientNoiseRequest: Sigma_g's spectrum, the H / Sigma_g subspace overlap, the gradient's share
// in H's top-k) at its end or through training, computed on the session's worker and drawn in the
// "Gradient noise" dock (panels/GradientNoisePanel.h) as each point arrives; its three plots are on
// the Export menu. GUI thread only.
#include "controllers/AnalysisViewController.h"
#include "workers/CatalogueRecords.h"

#include <QList>

namespace minimascope::ui {

class ExportController;
class GradientNoisePanel;
class PlotPanel;

class GradientNoiseController : public AnalysisViewController {
    Q_OBJECT
public:
    // Adds the dock to `window` and its plots to `exports` (before the Export menu is populated).
    GradientNoiseController(RunController* runs, QMainWindow* window, ExportController* exports);

    GradientNoisePanel* panel() const { return m_panel; }
    QList<PlotPanel*> plots() const;
    // Starts the analysis without asking (the dialog's OK, tests, --analysis); false with the reason
    // in the log (`finished` with Failed) when it cannot start now.
    bool start(const GradientNoiseRequest& request);

protected:
    void ask() override;

private:
    void onReady(const GradientNoiseResult& result);

    GradientNoisePanel* m_panel;
    GradientNoiseRequest m_last;   // the dialog starts from the last request
};

}   // namespace minimascope::ui
