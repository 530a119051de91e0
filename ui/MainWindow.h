#pragma once
// The application window: wiring only. The setup panel makes a request, the RunController runs
// it on the worker thread, and its updates feed the plots (dock widgets) and the status bar.
// Layout, theme and the last setup are remembered in QSettings. Closing the window during a run
// cancels it and joins the worker (what was measured stays on the plots until then).
// GUI thread only.
#include "workers/WorkerTypes.h"

#include <QMainWindow>
#include <QTimer>

class QAction;
class QPlainTextEdit;
class QProgressBar;
class QToolButton;

namespace minimascope::ui {

class AsymmetryController;
class CurvesPlot;
class DemoController;
class ExportController;
class FitnessDistanceController;
class GradientNoiseController;
class HelpController;
class LossLineController;
class LossPlot;
class PlotPanel;
class RecentFiles;
class RunComparisonController;
class RunController;
class RunRecorder;
class SetupPanel;
class SharpnessPlot;
class SlicePlot;
class SpectrumPlot;
class StatusLine;
class SurfacePanel;
class StabilityDiagram;
class StudyWindow;
class TrainingViews;
class WhatIfController;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    SetupPanel* setupPanel() const { return m_setup; }
    RunController* runController() const { return m_runs; }
    LossPlot* lossPlot() const { return m_loss; }
    SharpnessPlot* sharpnessPlot() const { return m_sharpness; }
    StabilityDiagram* stabilityDiagram() const { return m_stability; }
    // The what-if under the stability diagram: η and B moved on a finished run (controllers/WhatIfController.h).
    WhatIfController* whatIf() const { return m_whatIf; }
    SpectrumPlot* spectrumPlot() const { return m_spectrum; }
    // The views only some runs have (controllers/TrainingViews.h): the gradient norm over training,
    // the spectral densities and the top eigenvalues through training, each in a dock of its own.
    TrainingViews* trainingViews() const { return m_views; }
    CurvesPlot* gradientNormPlot() const { return m_gradientNorm; }
    CurvesPlot* spectraDensityPlot() const { return m_spectraDensities; }
    CurvesPlot* topEigenvaluesPlot() const { return m_spectraTop; }
    // The gradient-noise geometry and the fitness-distance correlation of the last run, each a
    // menu entry and a dock (controllers/GradientNoiseController.h, FitnessDistanceController.h).
    GradientNoiseController* gradientNoise() const { return m_noise; }
    FitnessDistanceController* fitnessDistance() const { return m_fdc; }
    // The 1D loss lines through the run's minimum and the asymmetric-valley scan, likewise
    // (controllers/LossLineController.h, AsymmetryController.h).
    LossLineController* lossLines() const { return m_lines; }
    AsymmetryController* asymmetry() const { return m_asymmetry; }
    RunComparisonController* runComparison() const { return m_comparison; }
    SurfacePanel* surfacePanel() const { return m_surface; }
    SlicePlot* slicePlot() const { return m_slices; }
    // The teaching demos: the start page, the explanation dock, the escape-toy lesson (demos/).
    DemoController* demos() const { return m_demos; }
    // The Help menu's windows: the user guide, the science page, About (help/).
    HelpController* help() const { return m_help; }
    // The status bar's run line: iteration, loss, accuracy, elapsed, ETA (or how the run ended).
    QString runStatusText() const;

public Q_SLOTS:
    // Starts a run with the setup panel's config; false when the config is invalid.
    bool startRun();
    void stopRun();
    void setPaused(bool paused);
    void analyzeSpectrum();
    // The spectrum at the snapshots the last run kept (up to 12 of them), on the worker.
    void analyzeSpectraOverTraining();
    void computeSurface(const minimascope::ui::LandscapeRequest& request);
    void setDarkTheme(bool dark);
    bool openRunFolder(const QString& dir);
    // The session as a project file (controllers/ProjectFile.h); false with the message in the status bar.
    bool saveProject(const QString& path);
    bool openProject(const QString& path);
    // Shows the study window (one, made on first use) on a study folder or study file
    // (study/StudyWindow.h); nullptr with the message in the status bar when it cannot open it.
    StudyWindow* openStudy(const QString& path);
    // Opens the teaching demo NAME (resources/demos) and starts its runs; false with *error.
    bool openDemo(const QString& name, QString* error = nullptr);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildDocks();
    void buildActions();
    void updateActions();
    void onTrainingStarted(const TrainingStart& start);
    void onTrainingUpdate(const TrainingUpdate& update);
    void onTrainingFinished(const TrainingOutcome& outcome);
    void onAnalysisProgress(const AnalysisProgress& progress);
    void onSpectrumReady(const SpectrumResult& result);
    void onSpectraReady(const SpectraResult& result);
    void onSurfaceFinished(core::RunStatus status, const QString& message);
    void startAnalysisProgress(const QString& format);
    void showSurfaceDock();
    void showAnalysisProgress(bool visible);
    void setRunStatus(const QString& text, bool error);
    void log(const QString& line);
    void saveRunFolder();
    void chooseRunFolder();
    QList<PlotPanel*> plots() const;

    RunController* m_runs = nullptr;
    ExportController* m_export = nullptr;
    RunRecorder* m_recorder = nullptr;
    SetupPanel* m_setup = nullptr;
    LossPlot* m_loss = nullptr;
    SharpnessPlot* m_sharpness = nullptr;
    StabilityDiagram* m_stability = nullptr;
    WhatIfController* m_whatIf = nullptr;
    SpectrumPlot* m_spectrum = nullptr;
    CurvesPlot* m_gradientNorm = nullptr;
    CurvesPlot* m_spectraDensities = nullptr;
    CurvesPlot* m_spectraTop = nullptr;
    TrainingViews* m_views = nullptr;
    GradientNoiseController* m_noise = nullptr;
    FitnessDistanceController* m_fdc = nullptr;
    LossLineController* m_lines = nullptr;
    AsymmetryController* m_asymmetry = nullptr;
    RunComparisonController* m_comparison = nullptr;
    SlicePlot* m_slices = nullptr;
    SurfacePanel* m_surface = nullptr;
    QPlainTextEdit* m_log = nullptr;
    StatusLine* m_runStatus = nullptr;
    QProgressBar* m_analysisBar = nullptr;
    QToolButton* m_analysisCancel = nullptr;
    QAction* m_runAction = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_spectrumAction = nullptr;
    QAction* m_spectraAction = nullptr;
    QAction* m_surfaceAction = nullptr;
    QAction* m_saveRunAction = nullptr;
    QAction* m_darkAction = nullptr;
    QMenu* m_viewMenu = nullptr;
    RecentFiles* m_recent = nullptr;
    StudyWindow* m_study = nullptr;
    DemoController* m_demos = nullptr;
    HelpController* m_help = nullptr;
    // Surface updates arrive ~30 a second; a 3D render costs ~100 ms in software GL on a busy
    // machine, so the surface is drawn when a level (coarse, finer, ...) completes and otherwise
    // at most every kSurfaceRedrawMs, always with the latest update.
    static constexpr int kSurfaceRedrawMs = 1000;
    SurfaceData m_pendingSurface;
    QTimer m_surfaceRedraw;
};

}   // namespace minimascope::ui
