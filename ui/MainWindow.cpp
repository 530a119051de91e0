#include "MainWindow.h"

#include "train/RunFolder.h"

#include "controllers/AsymmetryController.h"
#include "controllers/ExportController.h"
#include "controllers/FitnessDistanceController.h"
#include "controllers/GradientNoiseController.h"
#include "controllers/LossLineController.h"
#include "controllers/RunComparisonController.h"
#include "controllers/ProjectFile.h"
#include "controllers/RecentFiles.h"
#include "controllers/RunController.h"
#include "controllers/RunFolderReader.h"
#include "controllers/RunRecorder.h"
#include "controllers/SnapshotPicker.h"
#include "controllers/TrainingViews.h"
#include "controllers/WhatIfController.h"
#include "demos/DemoController.h"
#include "demos/ExplanationDock.h"
#include "help/HelpController.h"
#include "panels/SetupPanel.h"
#include "panels/StatusLine.h"
#include "panels/SurfacePanel.h"
#include "panels/WhatIfPanel.h"
#include "study/StudyWindow.h"
#include "theme/AppTheme.h"

#include "CurvesPlot.h"
#include "LossPlot.h"
#include "SharpnessPlot.h"
#include "SlicePlot.h"
#include "SpectrumPlot.h"
#include "StabilityDiagram.h"
#include "SurfaceView.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTime>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <cmath>

namespace minimascope::ui {

namespace {

// "Analyze spectrum (Ctrl+Shift+A)": an action's text and shortcut.
QString standardToolTip(const QAction* action)
{
    return QStringLiteral("%1 (%2)").arg(QString(action->text()).remove(QLatin1Char('&')),
                                         action->shortcut().toString(QKeySequence::NativeText));
}

QString seconds(double s)
{
    if (!std::isfinite(s) || s < 0)
        return QStringLiteral("–");
    if (s < 60)
        return QStringLiteral("%1 s").arg(s, 0, 'f', 1);
    const int total = static_cast<int>(std::lround(s));
    return total < 3600 ? QStringLiteral("%1:%2 min").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'))
                        : QStringLiteral("%1:%2 h").arg(total / 3600).arg(total / 60 % 60, 2, 10, QLatin1Char('0'));
}

QString value(double v) { return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("–"); }

}   // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("MinimaScope"));
    setObjectName(QStringLiteral("MainWindow"));
    m_runs = new RunController(this);
    m_export = new ExportController(this);
    m_recent = new RecentFiles(this);
    buildDocks();
    m_demos = new DemoController(this);
    buildActions();

    connect(m_runs, &RunController::trainingStarted, this, &MainWindow::onTrainingStarted);
    connect(m_runs, &RunController::trainingUpdate, this, &MainWindow::onTrainingUpdate);
    connect(m_runs, &RunController::trainingFinished, this, &MainWindow::onTrainingFinished);
    connect(m_runs, &RunController::analysisProgress, this, &MainWindow::onAnalysisProgress);
    connect(m_runs, &RunController::spectrumReady, this, &MainWindow::onSpectrumReady);
    connect(m_runs, &RunController::spectraReady, this, &MainWindow::onSpectraReady);
    m_surfaceRedraw.setSingleShot(true);
    m_surfaceRedraw.setInterval(kSurfaceRedrawMs);
    connect(&m_surfaceRedraw, &QTimer::timeout, this, [this] { m_surface->setSurface(m_pendingSurface); });
    connect(m_runs, &RunController::surfaceUpdate, this, [this](const SurfaceUpdate& update) {
        m_pendingSurface = update.surface;
        if (update.levelFinished) {
            m_surfaceRedraw.stop();
            m_surface->setSurface(m_pendingSurface);
        } else if (!m_surfaceRedraw.isActive()) {
            m_surfaceRedraw.start();
        }
    });
    connect(m_runs, &RunController::slicesReady, this, [this](const SliceResult& slices) {
        m_slices->setSlices(slices.t, slices.alongTopEigenvector, slices.alongRandom);
        // A one-parameter model has a loss curve instead of a surface: show it in place of the 3D panel.
        if (slices.alongRandom.empty()) {
            findChild<QDockWidget*>(QStringLiteral("surfaceDock"))->hide();
            auto* dock = findChild<QDockWidget*>(QStringLiteral("slicesDock"));
            dock->show();
            dock->raise();
        }
    });
    connect(m_runs, &RunController::surfaceFinished, this, &MainWindow::onSurfaceFinished);
    connect(m_surface, &SurfacePanel::computeRequested, this, &MainWindow::computeSurface);
    connect(m_runs, &RunController::busyChanged, this, &MainWindow::updateActions);
    connect(m_runs, &RunController::runFolderSaved, this, [this](bool ok, const QString& message) {
        log(message);
        if (!ok)
            QMessageBox::warning(this, tr("Saving the run failed"), message);
        else
            statusBar()->showMessage(message, 5000);
    });
    connect(m_setup, &SetupPanel::validityChanged, this, &MainWindow::updateActions);

    const QSettings settings;
    m_setup->restoreSettings(settings);
    resize(1500, 950);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
        // First start: the plots get the room. Dock sizes apply once the window is laid out.
        QTimer::singleShot(0, this, [this] {
            resizeDocks({findChild<QDockWidget*>(QStringLiteral("setupDock")),
                         findChild<QDockWidget*>(QStringLiteral("lossDock")),
                         findChild<QDockWidget*>(QStringLiteral("stabilityDock"))},
                        {380, width() / 3, width() / 3}, Qt::Horizontal);
            resizeDocks({findChild<QDockWidget*>(QStringLiteral("logDock"))}, {160}, Qt::Vertical);
        });
    }
    setDarkTheme(settings.value(QStringLiteral("window/dark"), false).toBool());
    m_demos->explanationDock()->hide();   // restored visible from a session that had a demo open
    m_views->clear();                     // likewise the docks of a run that had those views
    // and the analyses' docks, which have nothing to show before their analysis runs
    for (AnalysisViewController* analysis :
         std::initializer_list<AnalysisViewController*>{m_noise, m_fdc, m_lines, m_asymmetry})
        analysis->dock()->hide();
    m_comparison->dock()->hide();
    updateActions();
    setRunStatus(tr("Ready: choose a preset and press Run (Ctrl+R)."), false);
}

MainWindow::~MainWindow()
{
    // Joins the worker before the plots it feeds are destroyed.
    m_runs->shutdown();
}

void MainWindow::buildDocks()
{
    setDockNestingEnabled(true);
    setDockOptions(dockOptions() | QMainWindow::AllowTabbedDocks);
    // The plots fill the window; the setup form and the log are docks at the sides.
    setCentralWidget(nullptr);
    const auto dock = [this](const QString& name, const QString& title, QWidget* widget, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        addDockWidget(area, d);
        return d;
    };
    m_setup = new SetupPanel;
    m_setup->setMinimumWidth(300);
    QDockWidget* setupDock = dock(QStringLiteral("setupDock"), tr("Setup"), m_setup, Qt::LeftDockWidgetArea);

    m_loss = new LossPlot;
    m_sharpness = new SharpnessPlot;
    m_stability = new StabilityDiagram;
    m_spectrum = new SpectrumPlot;
    m_loss->setTitle(tr("Loss and accuracy"));
    m_sharpness->setTitle(tr("Sharpness a = λmax(H)"));
    m_stability->setTitle(tr("Stability diagram"));
    m_spectrum->setTitle(tr("Hessian spectrum"));
    QDockWidget* loss = dock(QStringLiteral("lossDock"), tr("Loss"), m_loss, Qt::RightDockWidgetArea);
    // The what-if controls sit under the diagram they move.
    auto* whatIfPanel = new WhatIfPanel;
    auto* stabilityBox = new QWidget;
    auto* stabilityLayout = new QVBoxLayout(stabilityBox);
    stabilityLayout->setContentsMargins(0, 0, 0, 0);
    stabilityLayout->setSpacing(0);
    stabilityLayout->addWidget(m_stability, 1);
    stabilityLayout->addWidget(whatIfPanel);
    m_whatIf = new WhatIfController(m_runs, m_stability, whatIfPanel, this);
    QDockWidget* stability = dock(QStringLiteral("stabilityDock"), tr("Stability diagram"), stabilityBox,
                                  Qt::RightDockWidgetArea);
    QDockWidget* sharpness = dock(QStringLiteral("sharpnessDock"), tr("Sharpness"), m_sharpness,
                                  Qt::RightDockWidgetArea);
    QDockWidget* spectrum = dock(QStringLiteral("spectrumDock"), tr("Spectrum"), m_spectrum, Qt::RightDockWidgetArea);
    splitDockWidget(loss, stability, Qt::Horizontal);
    splitDockWidget(loss, sharpness, Qt::Vertical);
    splitDockWidget(stability, spectrum, Qt::Vertical);
    m_surface = new SurfacePanel;
    m_slices = new SlicePlot;
    m_slices->setTitle(tr("Loss along v₁ and along a random direction"));
    QDockWidget* surface = dock(QStringLiteral("surfaceDock"), tr("3D surface"), m_surface, Qt::RightDockWidgetArea);
    QDockWidget* slices = dock(QStringLiteral("slicesDock"), tr("Slices"), m_slices, Qt::RightDockWidgetArea);
    // The 3D panel is a window of its own (floating dock, hidden until a surface is computed;
    // the user may dock it): a QOpenGLWidget makes Qt compose its whole top-level window through
    // OpenGL, and with software rendering (Xvfb, remote desktops) every repaint of the main
    // window then cost tens of ms (GUI benchmark: training stalls p99 ~50 ms docked, ~5 ms
    // floating). The slices share a tab with the sharpness.
    surface->setFloating(true);
    surface->hide();
    tabifyDockWidget(sharpness, slices);
    // The views only some runs have share tabs with their neighbours and are hidden while the run
    // has nothing to show in them (TrainingViews): the gradient norm with the sharpness, the
    // spectra through training with the final spectrum.
    m_gradientNorm = new CurvesPlot;
    m_spectraDensities = new CurvesPlot;
    m_spectraTop = new CurvesPlot;
    QDockWidget* gradientNorm = dock(QStringLiteral("gradientNormDock"), tr("Gradient norm"), m_gradientNorm,
                                     Qt::RightDockWidgetArea);
    QDockWidget* spectra = dock(QStringLiteral("spectraDock"), tr("Spectra through training"), m_spectraDensities,
                                Qt::RightDockWidgetArea);
    QDockWidget* topEigenvalues = dock(QStringLiteral("topEigenvaluesDock"), tr("Top eigenvalues"), m_spectraTop,
                                       Qt::RightDockWidgetArea);
    tabifyDockWidget(sharpness, gradientNorm);
    tabifyDockWidget(spectrum, spectra);
    tabifyDockWidget(spectrum, topEigenvalues);
    m_views = new TrainingViews(
        m_runs, {m_gradientNorm, gradientNorm, m_spectraDensities, spectra, m_spectraTop, topEigenvalues}, this);
    m_noise = new GradientNoiseController(m_runs, this, m_export);
    m_fdc = new FitnessDistanceController(m_runs, this, m_export);
    m_lines = new LossLineController(m_runs, this, m_export);
    m_asymmetry = new AsymmetryController(m_runs, this, m_export);
    m_comparison = new RunComparisonController(this, m_export);
    tabifyDockWidget(spectrum, m_comparison->dock());
    for (AnalysisViewController* analysis :
         std::initializer_list<AnalysisViewController*>{m_noise, m_fdc, m_lines, m_asymmetry}) {
        tabifyDockWidget(spectrum, analysis->dock());
        connect(analysis, &AnalysisViewController::started, this, [this](const QString& format, const QString& line) {
            startAnalysisProgress(format);
            log(line);
        });
        connect(analysis, &AnalysisViewController::finished, this, [this](core::RunStatus status, const QString& line) {
            log(line);
            if (status == core::RunStatus::Failed)
                statusBar()->showMessage(line, 8000);
        });
    }
    sharpness->raise();
    spectrum->raise();

    m_log = new QPlainTextEdit;
    m_log->setObjectName(QStringLiteral("log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    QDockWidget* logDock = dock(QStringLiteral("logDock"), tr("Log"), m_log, Qt::LeftDockWidgetArea);
    splitDockWidget(setupDock, logDock, Qt::Vertical);

    m_recorder = new RunRecorder(m_loss, m_sharpness, m_stability, this);
    auto* picker = new SnapshotPicker(m_loss->customPlot(), m_surface, this);
    connect(m_runs, &RunController::trainingFinished, picker, &SnapshotPicker::setSnapshots);
    m_export->addPlot(tr("Loss plot"), m_loss);
    m_export->addPlot(tr("Sharpness plot"), m_sharpness);
    m_export->addPlot(tr("Stability diagram"), m_stability);
    m_export->addPlot(tr("Spectrum plot"), m_spectrum);
    m_export->addPlot(tr("Slice plot"), m_slices);
    m_export->addPlot(tr("Gradient norm plot"), m_gradientNorm);
    m_export->addPlot(tr("Spectra through training"), m_spectraDensities);
    m_export->addPlot(tr("Top eigenvalues through training"), m_spectraTop);
    m_export->setSurfaceRenderer([this](const QSize& size) { return m_surface->surfaceView()->renderToImage(size); });
    m_export->setSurfaceSource([this] { return m_surface->surface(); });

    m_runStatus = new StatusLine;
    statusBar()->addWidget(m_runStatus, 1);
    m_analysisBar = new QProgressBar;
    m_analysisBar->setObjectName(QStringLiteral("analysisProgress"));
    m_analysisBar->setRange(0, 1000);
    m_analysisBar->setMaximumWidth(260);
    m_analysisCancel = new QToolButton;
    m_analysisCancel->setText(tr("Cancel"));
    m_analysisCancel->setToolTip(tr("Cancel the analysis"));
    connect(m_analysisCancel, &QToolButton::clicked, m_runs, &RunController::cancelAnalysis);
    statusBar()->addPermanentWidget(m_analysisBar);
    statusBar()->addPermanentWidget(m_analysisCancel);
    showAnalysisProgress(false);
}

void MainWindow::buildActions()
{
    const auto action = [this](const QString& name, const QString& text, const QKeySequence& key) {
        auto* a = new QAction(text, this);
        a->setObjectName(name);
        a->setShortcut(key);
        a->setToolTip(standardToolTip(a));
        return a;
    };
    m_runAction = action(QStringLiteral("runAction"), tr("&Run"), QKeySequence(Qt::CTRL | Qt::Key_R));
    m_pauseAction = action(QStringLiteral("pauseAction"), tr("&Pause"), QKeySequence(Qt::Key_Space));
    m_pauseAction->setCheckable(true);
    m_stopAction = action(QStringLiteral("stopAction"), tr("&Stop"), QKeySequence(Qt::Key_Escape));
    m_spectrumAction = action(QStringLiteral("spectrumAction"), tr("Analyze &spectrum"),
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_spectraAction = action(QStringLiteral("spectraOverTrainingAction"), tr("Spectra through &training"),
                             QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_surfaceAction = action(QStringLiteral("surfaceAction"), tr("Compute &loss surface"),
                             QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_saveRunAction = action(QStringLiteral("saveRunAction"), tr("&Save run folder…"), QKeySequence::Save);
    QAction* openRun = action(QStringLiteral("openRunAction"), tr("&Open run folder…"), QKeySequence::Open);
    QAction* saveProjectAction = action(QStringLiteral("saveProjectAction"), tr("Save &project…"),
                                        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    QAction* openProjectAction = action(QStringLiteral("openProjectAction"), tr("Open pro&ject…"),
                                        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* quit = action(QStringLiteral("quitAction"), tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_darkAction = action(QStringLiteral("darkAction"), tr("&Dark theme"),
                          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_darkAction->setCheckable(true);
    QAction* resetViews = action(QStringLiteral("resetViewsAction"), tr("&Reset plot views"),
                                 QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction* clearSession = action(QStringLiteral("clearSessionAction"), tr("&Clear session points"), QKeySequence());
    QAction* colorByB = action(QStringLiteral("colorByBatchAction"), tr("Color session points by &B"), QKeySequence());
    colorByB->setCheckable(true);
    QAction* logLoss = action(QStringLiteral("logLossAction"), tr("&Log-scale loss"), QKeySequence());
    logLoss->setCheckable(true);
    // For session points spread over decades (an L-BFGS run beside SGD runs).
    QAction* logStability = action(QStringLiteral("logStabilityAction"), tr("Log a&xes on the stability diagram"),
                                   QKeySequence());
    logStability->setCheckable(true);

    connect(m_runAction, &QAction::triggered, this, &MainWindow::startRun);
    connect(m_pauseAction, &QAction::toggled, this, &MainWindow::setPaused);
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stopRun);
    connect(m_spectrumAction, &QAction::triggered, this, &MainWindow::analyzeSpectrum);
    connect(m_spectraAction, &QAction::triggered, this, &MainWindow::analyzeSpectraOverTraining);
    connect(m_surfaceAction, &QAction::triggered, this, [this] { computeSurface(m_surface->request()); });
    connect(m_saveRunAction, &QAction::triggered, this, &MainWindow::saveRunFolder);
    connect(openRun, &QAction::triggered, this, &MainWindow::chooseRunFolder);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    connect(saveProjectAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the project"), QString(),
                                                          tr("MinimaScope project (*.msproj)"));
        if (!path.isEmpty() && !saveProject(path))
            QMessageBox::warning(this, tr("Saving the project failed"), runStatusText());
    });
    connect(openProjectAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a project"), QString(),
                                                          tr("MinimaScope project (*.msproj);;All files (*)"));
        if (!path.isEmpty() && !openProject(path))
            QMessageBox::warning(this, tr("Cannot open the project"), runStatusText());
    });
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkTheme);
    connect(resetViews, &QAction::triggered, this, [this] {
        for (PlotPanel* plot : plots())
            plot->resetView();
    });
    connect(clearSession, &QAction::triggered, m_stability, &StabilityDiagram::clearSession);
    connect(colorByB, &QAction::toggled, this, [this](bool byB) {
        m_stability->setColorBy(byB ? StabilityDiagram::ColorBy::BatchSize : StabilityDiagram::ColorBy::LearningRate);
    });
    connect(logLoss, &QAction::toggled, m_loss, &LossPlot::setLogScale);
    connect(logStability, &QAction::toggled, m_stability, &StabilityDiagram::setLogAxes);
    QAction* openStudyAction = action(QStringLiteral("openStudyAction"), tr("Open st&udy…"), QKeySequence());
    QAction* newStudyAction = action(QStringLiteral("newStudyAction"), tr("&New study from file…"), QKeySequence());
    connect(openStudyAction, &QAction::triggered, this, [this] {
        // A study folder is opened through its study.sqlite; a study file is a .json.
        const QString path = QFileDialog::getOpenFileName(this,
                                                          tr("Open a study (its folder's study.sqlite, or a "
                                                             "study file)"),
                                                          QString(), tr("Study (study.sqlite *.json);;All files (*)"));
        if (!path.isEmpty() && !openStudy(path))
            QMessageBox::warning(this, tr("Cannot open the study"), runStatusText());
    });
    connect(newStudyAction, &QAction::triggered, this, [this] {
        if (StudyWindow* study = openStudy(QString()))
            study->chooseStudyFile();
    });

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addActions({openProjectAction, saveProjectAction});
    file->addSeparator();
    file->addAction(openRun);
    file->addAction(m_saveRunAction);
    file->addAction(m_comparison->action());
    file->addSeparator();
    file->addActions({openStudyAction, newStudyAction});
    file->addSeparator();
    QMenu* recentMenu = file->addMenu(tr("Open &recent"));
    recentMenu->setObjectName(QStringLiteral("recentMenu"));
    m_recent->attach(recentMenu);
    connect(m_recent, &RecentFiles::openRequested, this, [this](RecentFiles::Kind kind, const QString& path) {
        const bool opened = kind == RecentFiles::Kind::Project ? openProject(path)
                            : kind == RecentFiles::Kind::Study ? openStudy(path) != nullptr
                                                               : openRunFolder(path);
        if (!opened)
            QMessageBox::warning(this, tr("Cannot open %1").arg(path), runStatusText());
    });
    file->addSeparator();
    file->addAction(quit);
    // The setup form's history. The form is read-only while a run uses it, and so is its history.
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QUndoStack* setupHistory = m_setup->undoStack();
    QAction* undo = setupHistory->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("undoAction"));
    undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    QAction* redo = setupHistory->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("redoAction"));
    redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    edit->addActions({undo, redo});
    connect(m_runs, &RunController::busyChanged, this, [this, setupHistory, undo, redo] {
        undo->setEnabled(!m_runs->isTraining() && setupHistory->canUndo());
        redo->setEnabled(!m_runs->isTraining() && setupHistory->canRedo());
    });
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addActions({m_runAction, m_pauseAction, m_stopAction});
    run->addSeparator();
    run->addActions({m_spectrumAction, m_spectraAction, m_surfaceAction});
    run->addSeparator();
    run->addActions({m_noise->action(), m_fdc->action()});
    run->addSeparator();
    run->addActions({m_lines->action(), m_asymmetry->action()});
    m_export->populate(menuBar()->addMenu(tr("&Export")));
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addActions({m_darkAction, logLoss, logStability, colorByB, resetViews, clearSession});
    m_viewMenu->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>())
        m_viewMenu->addAction(d->toggleViewAction());
    QAction* demosAction = action(QStringLiteral("demosAction"), tr("&Demos…"), QKeySequence(Qt::Key_F1));
    connect(demosAction, &QAction::triggered, m_demos, &DemoController::showStartPage);
    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->setObjectName(QStringLiteral("helpMenu"));
    m_help = new HelpController(this);
    m_help->populate(helpMenu, demosAction);

    QToolBar* bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addActions({m_runAction, m_pauseAction, m_stopAction});
    bar->addSeparator();
    bar->addActions({m_spectrumAction, m_spectraAction, m_surfaceAction});
}

void MainWindow::updateActions()
{
    const bool training = m_runs->isTraining();
    const bool analyzing = m_runs->isAnalyzing();
    m_runAction->setEnabled(!training && !analyzing && m_setup->isValid());
    m_runAction->setToolTip(m_setup->isValid() ? tr("Run (Ctrl+R)") : m_setup->errorMessage());
    m_pauseAction->setEnabled(training);
    m_stopAction->setEnabled(training);
    const bool hasRun = m_runs->hasTrainedRun();
    m_spectrumAction->setEnabled(!training && !analyzing && hasRun);
    m_saveRunAction->setEnabled(!training && hasRun);
    m_surface->setComputeEnabled(!training && !analyzing && hasRun);
    m_surfaceAction->setEnabled(!training && !analyzing && hasRun);
    // Without a run's parameters (none yet, or a diverged run's) the tooltip says why.
    for (QAction* a : {m_spectrumAction, m_saveRunAction, m_surfaceAction})
        a->setToolTip(hasRun ? standardToolTip(a) : m_runs->whyNoTrainedRun());
    const bool hasSnapshots = m_runs->keptSnapshots() >= 2;
    m_spectraAction->setEnabled(!training && !analyzing && hasRun && hasSnapshots);
    m_spectraAction->setToolTip(!hasRun        ? m_runs->whyNoTrainedRun()
                                : hasSnapshots ? standardToolTip(m_spectraAction)
                                               : tr("The run kept fewer than two snapshots: train a few iterations."));
    m_setup->setRunning(training);
    if (!analyzing)
        showAnalysisProgress(false);
}

QList<PlotPanel*> MainWindow::plots() const
{
    return QList<PlotPanel*>{m_loss,   m_sharpness,    m_stability,        m_spectrum,
                             m_slices, m_gradientNorm, m_spectraDensities, m_spectraTop}
           + m_noise->plots() + QList<PlotPanel*>{m_fdc->plot()} + m_lines->plots() + m_asymmetry->plots()
           + m_comparison->plots();
}

bool MainWindow::startRun()
{
    if (!m_setup->isValid()) {
        setRunStatus(m_setup->errorMessage(), true);
        return false;
    }
    if (m_runs->isTraining() || m_runs->isAnalyzing())
        return false;
    m_recorder->beginRun(m_setup->configJson());
    m_whatIf->clearRun();
    m_spectrum->clear();
    m_slices->clear();
    m_views->clear();
    m_pauseAction->setChecked(false);
    m_runs->startTraining(m_setup->request());
    setRunStatus(tr("Starting…"), false);
    return true;
}

void MainWindow::onTrainingStarted(const TrainingStart& start)
{
    m_recorder->setShape(start.shape);
    log(tr("Run started: %1, n = %2 training examples").arg(start.shape.label).arg(start.shape.trainSize));
}

void MainWindow::stopRun() { m_runs->stopTraining(); }

void MainWindow::setPaused(bool paused)
{
    if (m_pauseAction->isChecked() != paused)
        m_pauseAction->setChecked(paused);   // re-enters through toggled
    else if (m_runs->isTraining() && paused != m_runs->isPaused())
        m_runs->setPaused(paused);
}

void MainWindow::onTrainingUpdate(const TrainingUpdate& update)
{
    m_recorder->addUpdate(update);
    for (const core::CurvatureSample& sample : update.samples) {
        log(tr("iteration %1: a = %2, s = %3 (%4 s)")
                .arg(sample.iteration)
                .arg(value(sample.sharpness), value(sample.nonUniformity))
                .arg(sample.seconds, 0, 'f', 2));
        // The sample's one top eigenvalue is its sharpness a = λ1.
        if (sample.density)
            m_views->appendSpectrum(
                {double(sample.iteration), sample.density->grid, sample.density->density, {sample.sharpness}});
    }
    QString text = tr("iteration %1 / %2 · batch loss %3")
                       .arg(update.iteration)
                       .arg(update.maxIterations)
                       .arg(value(update.batchLoss));
    if (!update.rows.isEmpty()) {
        const core::MetricsRow& last = update.rows.back();
        text += tr(" · train loss %1 · accuracy %2").arg(value(last.trainLoss), value(last.trainAccuracy));
    }
    text += tr(" · %1 elapsed · ETA %2").arg(seconds(update.seconds), seconds(update.etaSeconds));
    if (m_runs->isPaused())
        text += tr(" · paused");
    setRunStatus(text, false);
}

void MainWindow::onTrainingFinished(const TrainingOutcome& outcome)
{
    m_pauseAction->setChecked(false);
    if (outcome.status == core::RunStatus::Failed) {
        setRunStatus(tr("The run could not start: %1").arg(outcome.reason), true);
        log(tr("Failed: %1").arg(outcome.reason));
        return;
    }
    m_recorder->finishRun(outcome);
    if (m_runs->hasTrainedRun())
        m_whatIf->setTrainedRun();
    else
        m_whatIf->clearRun();
    QString text;
    switch (outcome.status) {
    case core::RunStatus::Finished:
        text = tr("Finished (%1) after %2 iterations in %3: train loss %4, accuracy %5")
                   .arg(outcome.reason)
                   .arg(outcome.iterations)
                   .arg(seconds(outcome.seconds), value(outcome.final.trainLoss), value(outcome.final.trainAccuracy));
        if (outcome.average)
            text += tr("; average of the last %1 iterates: train loss %2, accuracy %3, test accuracy %4")
                        .arg(outcome.averagedIterates)
                        .arg(value(outcome.average->trainLoss), value(outcome.average->trainAccuracy),
                             value(outcome.average->testAccuracy));
        break;
    case core::RunStatus::Cancelled:
        text = tr("Stopped at iteration %1 after %2.").arg(outcome.iterations).arg(seconds(outcome.seconds));
        break;
    case core::RunStatus::Diverged:
        text = tr("Diverged: %1. Try a smaller learning rate η (now %2).").arg(outcome.reason).arg(outcome.eta);
        break;
    case core::RunStatus::Failed: break;
    }
    setRunStatus(text, outcome.status == core::RunStatus::Diverged);
    log(text);
}

void MainWindow::analyzeSpectrum()
{
    if (!m_runs->hasTrainedRun() || m_runs->isTraining())
        return;
    SpectrumRequest request;
    m_runs->startSpectrum(request);
    startAnalysisProgress(tr("spectrum %p%"));
    log(tr("Analyzing the Hessian spectrum (top %1 eigenvalues, SLQ density)…").arg(request.topK));
}

void MainWindow::analyzeSpectraOverTraining()
{
    if (!m_runs->hasTrainedRun() || m_runs->isTraining() || m_runs->keptSnapshots() < 2)
        return;
    SpectraRequest request;
    m_runs->startSpectraOverTraining(request);
    startAnalysisProgress(tr("spectra %p%"));
    log(tr("Analyzing the Hessian spectrum at up to %1 of the run's %2 snapshots…")
            .arg(request.maxSnapshots)
            .arg(m_runs->keptSnapshots()));
}

void MainWindow::onSpectraReady(const SpectraResult& result)
{
    showAnalysisProgress(false);
    QString line =
        tr("Spectra through training %1: %2").arg(QLatin1String(core::toString(result.status)), result.message);
    if (!result.writtenTo.isEmpty())
        line += tr(", written to %1").arg(result.writtenTo);
    log(line);
    if (result.status == core::RunStatus::Failed)
        statusBar()->showMessage(result.message, 8000);
}

void MainWindow::computeSurface(const LandscapeRequest& request)
{
    if (!m_runs->hasTrainedRun() || m_runs->isTraining() || m_runs->isAnalyzing())
        return;
    m_runs->startSurface(request);
    startAnalysisProgress(tr("surface %p%"));
    showSurfaceDock();
    if (request.directions == SurfaceDirections::TopEigenvectors)
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("slicesDock")))
            dock->raise();
    log(tr("Computing the loss surface (%1, %2 × %2 points)…")
            .arg(toString(request.directions))
            .arg(request.resolution));
}

void MainWindow::showSurfaceDock()
{
    auto* dock = findChild<QDockWidget*>(QStringLiteral("surfaceDock"));
    if (dock->isHidden()) {
        if (dock->isFloating())   // over the right half of the window, below the tool bar
            dock->setGeometry(QRect(mapToGlobal(QPoint(width() / 2, 90)), QSize(width() / 2 - 20, height() / 2)));
        dock->show();
    }
    dock->raise();
}

void MainWindow::onSurfaceFinished(core::RunStatus status, const QString& message)
{
    showAnalysisProgress(false);
    log(tr("Surface %1: %2").arg(QLatin1String(core::toString(status)), message));
    if (status == core::RunStatus::Failed)
        statusBar()->showMessage(message, 8000);
}

void MainWindow::startAnalysisProgress(const QString& format)
{
    m_analysisBar->setValue(0);
    m_analysisBar->setFormat(format);
    showAnalysisProgress(true);
}

void MainWindow::onAnalysisProgress(const AnalysisProgress& progress)
{
    m_analysisBar->setValue(static_cast<int>(progress.fraction * 1000));
    m_analysisBar->setToolTip(progress.text);
    if (!progress.stage.isEmpty())
        m_analysisBar->setFormat(progress.stage + QStringLiteral(" · %p%"));
}

void MainWindow::onSpectrumReady(const SpectrumResult& result)
{
    showAnalysisProgress(false);
    if (result.status == core::RunStatus::Failed) {
        log(tr("Spectrum failed: %1").arg(result.message));
        statusBar()->showMessage(result.message, 8000);
        return;
    }
    m_spectrum->setDensity(result.grid, result.density);
    m_spectrum->setTopEigenvalues(result.topEigenvalues);
    QStringList top;
    for (double v : result.topEigenvalues)
        top << value(v);
    log(tr("Spectrum %1 (%2): top eigenvalues %3")
            .arg(QLatin1String(core::toString(result.status)), result.message, top.join(QStringLiteral(", "))));
}

void MainWindow::showAnalysisProgress(bool visible)
{
    m_analysisBar->setVisible(visible);
    m_analysisCancel->setVisible(visible);
}

void MainWindow::setRunStatus(const QString& text, bool error) { m_runStatus->setText(text, error); }

QString MainWindow::runStatusText() const { return m_runStatus->text(); }

void MainWindow::log(const QString& line)
{
    m_log->appendPlainText(
        QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

void MainWindow::setDarkTheme(bool dark)
{
    if (m_darkAction->isChecked() != dark) {
        m_darkAction->setChecked(dark);   // re-enters through toggled
        return;
    }
    const PlotTheme theme = applyAppTheme(dark ? ThemeKind::Dark : ThemeKind::Light);
    for (PlotPanel* plot : plots())
        plot->setTheme(theme);
    if (m_study)
        m_study->setPlotTheme(theme);
    m_demos->setTheme(theme);
    m_surface->setColors(theme.background, theme.foreground);
}

void MainWindow::saveRunFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Save the run into a folder"));
    if (dir.isEmpty())
        return;
    // A folder holds one run: replacing another is the user's decision, never a silent mix.
    const QString occupant = QString::fromStdString(core::describeRunFolderOccupant(dir.toStdString()));
    const bool overwrite = !occupant.isEmpty();
    if (overwrite
        && QMessageBox::question(this, tr("Replace the run?"),
                                 tr("%1 already holds %2.\nReplace it? Only the files a run writes are "
                                    "removed; other files in the folder stay.")
                                     .arg(dir, occupant))
               != QMessageBox::Yes)
        return;
    m_runs->saveRunFolder(dir, overwrite);
}

void MainWindow::chooseRunFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a saved run folder"));
    if (dir.isEmpty())
        return;
    if (!openRunFolder(dir))
        QMessageBox::warning(this, tr("Cannot open the run"), runStatusText());
}

bool MainWindow::openRunFolder(const QString& dir)
{
    if (m_runs->isTraining()) {   // its curves would mix with the live run's
        setRunStatus(tr("Stop the run before opening another one"), true);
        return false;
    }
    SavedRun run;
    QString error;
    if (!readRunFolder(dir, &run, &error)) {
        setRunStatus(error, true);
        return false;
    }
    m_recent->add(RecentFiles::Kind::RunFolder, dir);
    if (!run.configJson.isEmpty() && !m_setup->loadConfig(run.configJson, &error))
        log(tr("The run's config.json was not loaded: %1").arg(error));
    m_loss->clear();
    showOptimizerSwitch(m_loss, run.configJson);
    for (const core::MetricsRow& row : run.metrics)
        m_loss->appendEvaluation(double(row.iteration), row.trainLoss, row.testLoss, row.trainAccuracy,
                                 row.testAccuracy);
    m_loss->resetView();
    if (!m_views->showRunFolder(dir, run.runId, run.metrics, &error))
        log(tr("The run's spectra through training were not all read: %1").arg(error));
    m_whatIf->setRunFolder(dir);
    setRunStatus(tr("Opened %1: %2 evaluations").arg(dir).arg(run.metrics.size()), false);
    log(runStatusText());
    return true;
}

StudyWindow* MainWindow::openStudy(const QString& path)
{
    if (!m_study) {
        m_study = new StudyWindow(this);
        m_study->setWindowFlag(Qt::Window);
        m_study->setPlotTheme(m_loss->theme());
        connect(m_study, &StudyWindow::openRunRequested, this, [this](const QString& dir) {
            if (openRunFolder(dir)) {
                raise();
                activateWindow();
            } else {
                QMessageBox::warning(this, tr("Cannot open the run"), runStatusText());
            }
        });
    }
    QString error;
    if (!path.isEmpty() && !m_study->openStudy(path, &error)) {
        setRunStatus(error, true);
        return nullptr;
    }
    if (!path.isEmpty())
        m_recent->add(RecentFiles::Kind::Study, path);
    m_study->show();
    m_study->raise();
    return m_study;
}

bool MainWindow::openDemo(const QString& name, QString* error) { return m_demos->openDemo(name, error); }

bool MainWindow::saveProject(const QString& path)
{
    QString error;
    if (!minimascope::ui::saveProject(path, m_recorder->record(), &error)) {
        setRunStatus(error, true);
        return false;
    }
    statusBar()->showMessage(tr("Project saved to %1").arg(path), 5000);
    log(tr("Project saved to %1").arg(path));
    return true;
}

bool MainWindow::openProject(const QString& path)
{
    if (m_runs->isTraining()) {   // its curves would mix with the live run's
        setRunStatus(tr("Stop the run before opening a project"), true);
        return false;
    }
    RunRecord record;
    QString error;
    if (!loadProject(path, &record, &error)) {
        setRunStatus(error, true);
        return false;
    }
    // loadProject refuses a config the panel cannot take; should the panel still refuse one, the
    // project is refused the same way, before anything of it is shown.
    if (!record.configJson.isEmpty() && !m_setup->loadConfig(record.configJson, &error)) {
        setRunStatus(tr("%1: 'config' is not a valid run config: %2").arg(path, error), true);
        return false;
    }
    m_recent->add(RecentFiles::Kind::Project, path);
    m_recorder->restore(record);
    m_views->clear();
    m_views->appendMetrics(record.metrics);
    m_whatIf->clearRun();   // a project keeps the plots, not the parameters the what-if tests
    setRunStatus(tr("Opened %1: %2 evaluations, %3 curvature samples, %4 session points")
                     .arg(path)
                     .arg(record.metrics.size())
                     .arg(record.samples.size())
                     .arg(record.session.size()),
                 false);
    log(runStatusText());
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/dark"), m_darkAction->isChecked());
    m_setup->saveSettings(settings);
    // Cancel and join now: a run must not outlive its window.
    m_runs->shutdown();
    event->accept();
}

}   // namespace minimascope::ui
