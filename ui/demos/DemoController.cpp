#include "demos/DemoController.h"

#include "LossPlot.h"
#include "MainWindow.h"
#include "controllers/RunController.h"
#include "demos/BoundaryDemoView.h"
#include "demos/EscapeDemoView.h"
#include "demos/ExplanationDock.h"
#include "demos/NormalizationDemoView.h"
#include "demos/RescalingDemoView.h"
#include "demos/RunComparisonTable.h"
#include "demos/StartPage.h"
#include "panels/SetupPanel.h"

#include "demos/Demo.h"

#include <QCheckBox>
#include <QDockWidget>
#include <QEvent>
#include <QSpinBox>
#include <QTimer>

#include <exception>
#include <functional>
#include <limits>
#include <memory>

namespace minimascope::ui {

namespace {

// A run that just ended may keep the controller busy for a moment; the next one is started again
// after this many ms, at most kStartAttempts times.
constexpr int kStartRetryMs = 100;
constexpr int kStartAttempts = 50;

QString qs(const std::string& text) { return QString::fromStdString(text); }

// The demo views drawn by NormalizationDemoView.
bool demoViewDrawsPlanes(const std::string& view) { return view == "normalization" || view == "surfaces"; }

// The "surfaces" lesson trains the demo's runs itself and measures their a and s: nothing runs in
// the main window, whose setup form holds a model preset's name but not the options these runs
// change (widths, skip connections, BatchNorm, blocks per stage).
bool demoRunsInLessonOnly(const std::string& view) { return view == "surfaces"; }

}   // namespace

DemoController::DemoController(MainWindow* window) : QObject(window), m_window(window)
{
    setObjectName(QStringLiteral("demoController"));
    m_explanation = new ExplanationDock(window);
    window->addDockWidget(Qt::LeftDockWidgetArea, m_explanation);
    m_explanation->hide();
    connect(m_explanation, &ExplanationDock::tryNextRequested, this, &DemoController::tryNext);
    connect(window->runController(), &RunController::trainingFinished, this, &DemoController::onTrainingFinished);
    connect(window->runController(), &RunController::trainingUpdate, this, [this](const TrainingUpdate& update) {
        if (!update.samples.isEmpty()) {
            m_lastSharpness = update.samples.back().sharpness;
            m_lastNonUniformity = update.samples.back().nonUniformity;
        }
    });
    // The window saves its layout when it closes: without the docks the lesson hid for itself.
    window->installEventFilter(this);
}

bool DemoController::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_window && event->type() == QEvent::Close) {
        for (QDockWidget* dock : m_hiddenDocks)
            dock->show();
        m_hiddenDocks.clear();
    }
    return QObject::eventFilter(watched, event);
}

DemoController::~DemoController() = default;

QString DemoController::currentDemo() const { return m_demo ? qs(m_demo->name) : QString(); }

StartPage* DemoController::showStartPage()
{
    if (!m_startPage) {
        m_startPage = new StartPage(m_window);
        m_startPage->setWindowFlag(Qt::Window);
        QList<DemoCard> cards;
        try {
            for (const core::Demo& demo : core::listDemos())
                cards.push_back({qs(demo.name), qs(demo.title), qs(demo.summary), qs(demo.picturePath), demo.seconds});
        } catch (const std::exception& e) {
            // A broken demo file is a packaging error: say so on the page instead of hiding the others.
            cards.push_back({QString(), tr("The demos could not be read"), qs(e.what()), QString(), 0.0});
        }
        m_startPage->setDemos(cards);
        connect(m_startPage, &StartPage::demoChosen, this, [this](const QString& name) {
            QString error;
            if (openDemo(name, &error))
                m_startPage->close();
        });
    }
    m_startPage->show();
    m_startPage->raise();
    m_startPage->activateWindow();
    return m_startPage;
}

void DemoController::showStartPageIfWanted()
{
    if (StartPage::showsAtStart())
        showStartPage();
}

bool DemoController::openDemo(const QString& name, QString* error)
{
    const auto failWith = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (m_window->runController()->isTraining() || m_window->runController()->isAnalyzing())
        return failWith(tr("Stop the run (or analysis) in progress before opening a demo."));
    std::unique_ptr<core::Demo> demo;
    QString markdown;
    try {
        demo = std::make_unique<core::Demo>(core::findDemo(name.toStdString()));
        markdown = qs(core::readDemoExplanation(*demo));
    } catch (const std::exception& e) {
        return failWith(qs(e.what()));
    }
    m_demo = std::move(demo);
    QString loadError;
    if (!demoRunsInLessonOnly(m_demo->view) && !loadRun(0, &loadError)) {
        m_demo.reset();
        return failWith(loadError);
    }
    m_explanation->setDemo(qs(m_demo->title), markdown, qs(m_demo->tryNext.text));
    if (!m_explanationPlaced) {   // once a session: in the setup panel's place, a tab away from it
        if (auto* setup = m_window->findChild<QDockWidget*>(QStringLiteral("setupDock"))) {
            m_explanation->setFloating(false);
            m_window->tabifyDockWidget(setup, m_explanation);
        }
        m_explanationPlaced = true;
    }
    m_explanation->show();
    m_explanation->raise();
    if (m_demo->view == "escape-toy")
        showEscapeLesson();
    else
        hideEscapeLesson();
    if (demoViewDrawsPlanes(m_demo->view)) {
        showNormalizationLesson();
    } else if (m_normalizationDock) {
        m_normalizationView->cancel();   // a minute of the architectures lesson may be left
        m_normalizationDock->hide();
    }
    if (m_demo->view == "compare")
        showComparison();
    else if (m_comparisonDock)
        m_comparisonDock->hide();
    if (m_demo->view == "boundary")
        showBoundaryLesson();
    else if (m_boundaryDock)
        m_boundaryDock->hide();
    if (m_demo->view == "rescaling")
        showRescalingLesson();
    else if (m_rescalingDock)
        m_rescalingDock->hide();
    m_ok = true;
    m_message.clear();
    if (demoRunsInLessonOnly(m_demo->view)) {
        m_run = -1;
        m_runsDone = true;   // the demo ends with its lesson
        return true;
    }
    m_runsDone = false;
    QTimer::singleShot(0, this, [this] { startCurrentRun(); });
    return true;
}

bool DemoController::loadRun(int index, QString* error)
{
    const core::DemoRun& run = m_demo->runs.at(static_cast<size_t>(index));
    SetupPanel* setup = m_window->setupPanel();
    const bool loaded = run.preset.empty() ? setup->loadConfig(qs(run.config.dump()), error)
                                           : setup->selectPreset(qs(run.preset), error);
    if (!loaded)
        return false;
    // The demo's curvature cadence (the setup panel's own field; a preset sets its default first).
    if (auto* every = setup->findChild<QSpinBox*>(QStringLiteral("curvatureEvery")))
        every->setValue(static_cast<int>(m_demo->measureEvery));
    if (auto* subset = setup->findChild<QSpinBox*>(QStringLiteral("curvatureSubset")))
        subset->setValue(0);   // exact, over every training example
    if (auto* s = setup->findChild<QCheckBox*>(QStringLiteral("nonUniformity")))
        s->setChecked(m_demo->measureNonUniformity);
    if (auto* atEnd = setup->findChild<QCheckBox*>(QStringLiteral("curvatureAtEnd")))
        atEnd->setChecked(true);
    m_run = index;
    m_comparisonLabel = m_demo->view == "compare" ? qs(run.label) : QString();
    m_lastSharpness = m_lastNonUniformity = std::numeric_limits<double>::quiet_NaN();
    return true;
}

void DemoController::startCurrentRun()
{
    // The previous run's worker may still be winding down: try again shortly.
    auto attempts = std::make_shared<int>(0);
    auto tryStart = std::make_shared<std::function<void()>>();
    *tryStart = [this, attempts, tryStart] {
        if (!m_demo || m_runsDone)
            return;
        if (m_window->startRun())
            return;
        if (++*attempts < kStartAttempts
            && (m_window->runController()->isTraining() || m_window->runController()->isAnalyzing())) {
            QTimer::singleShot(kStartRetryMs, this, [tryStart] { (*tryStart)(); });
            return;
        }
        m_ok = false;
        m_message = tr("the run could not start: %1").arg(m_window->runStatusText());
        m_runsDone = true;
        maybeFinish();
    };
    (*tryStart)();
}

void DemoController::onTrainingFinished(const TrainingOutcome& outcome)
{
    recordComparison(outcome);
    if (!m_demo || m_runsDone)
        return;
    if (outcome.status != core::RunStatus::Finished) {
        m_ok = false;
        m_message = tr("run %1 (%2) %3: %4")
                        .arg(m_run + 1)
                        .arg(qs(m_demo->runs.at(size_t(m_run)).label), QLatin1String(core::toString(outcome.status)),
                             outcome.reason);
        m_runsDone = true;
        maybeFinish();
        return;
    }
    if (m_run + 1 < static_cast<int>(m_demo->runs.size())) {
        QString error;
        if (!loadRun(m_run + 1, &error)) {
            m_ok = false;
            m_message = error;
            m_runsDone = true;
            maybeFinish();
            return;
        }
        QTimer::singleShot(0, this, [this] { startCurrentRun(); });
        return;
    }
    m_runsDone = true;
    maybeFinish();
}

void DemoController::maybeFinish()
{
    if (!m_runsDone || m_lessonPending || !m_demo)
        return;
    Q_EMIT demoFinished(qs(m_demo->name), m_ok, m_message);
}

void DemoController::tryNext()
{
    if (!m_demo || m_window->runController()->isTraining())
        return;
    const bool lessonOnly = demoRunsInLessonOnly(m_demo->view);
    QString error;
    if (!lessonOnly && !m_window->setupPanel()->loadConfig(qs(core::tryNextConfig(*m_demo).dump()), &error))
        return;
    if (m_escapeView && m_demo->view == "escape-toy") {
        const nlohmann::json config = core::tryNextConfig(*m_demo);
        const nlohmann::json& optimizer = config.at("optimizer");
        m_escapeView->setLesson(optimizer.value("lr", m_escapeView->eta()),
                                optimizer.value("name", "sgd") == "gd" ? 2 : optimizer.value("batch_size", 1));
    }
    if (m_normalizationView && demoViewDrawsPlanes(m_demo->view)) {
        // The lesson compares the changed first run's minimum with the others, as they were.
        QStringList labels;
        QStringList configs;
        for (size_t i = 0; i < m_demo->runs.size(); ++i) {
            labels << qs(m_demo->runs[i].label) + (i == 0 ? tr(" (try next)") : QString());
            configs << qs(i == 0 ? core::tryNextConfig(*m_demo).dump() : m_demo->runs[i].config.dump());
        }
        m_normalizationView->setLesson(labels, configs);
    }
    if (m_boundaryView && m_demo->view == "boundary") {
        QStringList labels;
        QStringList configs;
        for (size_t i = 0; i < m_demo->runs.size(); ++i) {
            labels << qs(m_demo->runs[i].label) + (i == 0 ? tr(" (try next)") : QString());
            configs << qs(i == 0 ? core::tryNextConfig(*m_demo).dump() : m_demo->runs[i].config.dump());
        }
        m_boundaryView->setLesson(labels, configs);
    }
    if (m_rescalingView && m_demo->view == "rescaling")
        m_rescalingView->setLesson(qs(m_demo->runs.front().label) + tr(" (try next)"),
                                   qs(core::tryNextConfig(*m_demo).dump()));
    if (m_demo->view == "compare") {
        m_comparisonLabel = qs(m_demo->runs.front().label) + tr(" (try next)");
        m_lastSharpness = m_lastNonUniformity = std::numeric_limits<double>::quiet_NaN();
    }
    if (lessonOnly)
        return;
    m_run = 0;
    m_runsDone = true;   // a single run, not the demo's chain
    m_window->startRun();
}

void DemoController::showEscapeLesson()
{
    if (!m_escapeView) {
        m_escapeView = new EscapeDemoView;
        m_escapeView->setTheme(m_window->lossPlot()->theme());
        m_escapeDock = new QDockWidget(tr("Escape toy"), m_window);
        m_escapeDock->setObjectName(QStringLiteral("escapeDemoDock"));
        m_escapeDock->setWidget(m_escapeView);
        m_window->addDockWidget(Qt::RightDockWidgetArea, m_escapeDock);
        if (auto* loss = m_window->findChild<QDockWidget*>(QStringLiteral("lossDock")))
            m_window->tabifyDockWidget(loss, m_escapeDock);
        connect(m_escapeView, &EscapeDemoView::lessonReady, this, [this] {
            m_lessonPending = false;
            maybeFinish();
        });
    }
    const nlohmann::json& optimizer = m_demo->runs.front().config.at("optimizer");
    m_lessonPending = true;
    m_escapeView->setLesson(optimizer.value("lr", 0.7), optimizer.value("batch_size", 1));
    m_escapeView->recompute();
    m_escapeDock->show();
    m_escapeDock->raise();
    // One parameter: the sharpness is a flat line at 2 and the spectrum one number. The lesson
    // takes their room (the loss stays a tab away); they come back with the next demo.
    makeRoomForLesson({"sharpnessDock", "slicesDock", "spectrumDock"});
}

void DemoController::makeRoomForLesson(std::initializer_list<const char*> dockNames)
{
    for (const char* name : dockNames) {
        auto* dock = m_window->findChild<QDockWidget*>(QString::fromLatin1(name));
        if (dock && dock->isVisible()) {
            dock->hide();
            m_hiddenDocks << dock;
        }
    }
}

void DemoController::hideEscapeLesson()
{
    if (m_escapeDock)
        m_escapeDock->hide();
    for (QDockWidget* dock : m_hiddenDocks)
        dock->show();
    m_hiddenDocks.clear();
    m_lessonPending = false;
    // Every demo but the escape toy is read off these: bring them back even when a previous
    // session left them closed, with the sharpness (not the slices) on top of its tab.
    for (const char* name : {"lossDock", "stabilityDock", "sharpnessDock"}) {
        if (auto* dock = m_window->findChild<QDockWidget*>(QString::fromLatin1(name))) {
            dock->show();
            dock->raise();
        }
    }
}

QDockWidget* DemoController::addLessonDock(QWidget* view, const QString& title, const QString& objectName)
{
    auto* dock = new QDockWidget(title, m_window);
    dock->setObjectName(objectName);
    dock->setWidget(view);
    m_window->addDockWidget(Qt::RightDockWidgetArea, dock);
    if (auto* loss = m_window->findChild<QDockWidget*>(QStringLiteral("lossDock")))
        m_window->tabifyDockWidget(loss, dock);
    return dock;
}

void DemoController::lessonReady(const QString& lesson, const QString& error)
{
    if (!m_lessonPending)
        return;
    m_lessonPending = false;
    if (!error.isEmpty()) {
        m_ok = false;
        m_message = tr("the %1 lesson: %2").arg(lesson, error);
    }
    maybeFinish();
}

void DemoController::runLessonIn(QDockWidget* dock,
                                 const std::function<void(const QStringList&, const QStringList&)>& setLesson)
{
    QStringList labels;
    QStringList configs;
    for (const core::DemoRun& run : m_demo->runs) {
        labels << qs(run.label);
        configs << qs(run.config.dump());
    }
    m_lessonPending = true;
    setLesson(labels, configs);
    dock->show();
    dock->raise();
}

void DemoController::showNormalizationLesson()
{
    if (!m_normalizationView) {
        m_normalizationView = new NormalizationDemoView;
        m_normalizationView->setTheme(m_window->lossPlot()->theme());
        m_normalizationDock = addLessonDock(m_normalizationView, tr("Filter normalization"),
                                            QStringLiteral("normalizationDemoDock"));
        connect(m_normalizationView, &NormalizationDemoView::lessonReady, this, [this](const QString& error) {
            lessonReady(m_normalizationView->normalizedOnly() ? tr("loss-surface") : tr("filter-normalization"), error);
        });
    }
    // "surfaces": minima of different networks, which only filter-normalized planes compare; the
    // end points' table (showComparison) stands beside the maps.
    const bool surfaces = m_demo->view == "surfaces";
    m_normalizationView->setNormalizedOnly(surfaces, surfaces ? NormalizationDemoView::kSurfacesResolution
                                                              : NormalizationDemoView::kResolution);
    m_normalizationDock->setWindowTitle(surfaces ? tr("Loss surfaces") : tr("Filter normalization"));
    runLessonIn(m_normalizationDock, [this](const QStringList& labels, const QStringList& configs) {
        m_normalizationView->setLesson(labels, configs);
    });
    // Nothing trains in the main window: its curves and diagram would stay empty. The maps and
    // the table take their room until the next demo.
    if (surfaces)
        makeRoomForLesson({"sharpnessDock", "slicesDock", "stabilityDock", "spectrumDock"});
}

void DemoController::showBoundaryLesson()
{
    if (!m_boundaryView) {
        m_boundaryView = new BoundaryDemoView;
        m_boundaryView->setTheme(m_window->lossPlot()->theme());
        m_boundaryDock = addLessonDock(m_boundaryView, tr("Decision regions"), QStringLiteral("boundaryDemoDock"));
        connect(m_boundaryView, &BoundaryDemoView::lessonReady, this,
                [this](const QString& error) { lessonReady(tr("decision-region"), error); });
    }
    runLessonIn(m_boundaryDock, [this](const QStringList& labels, const QStringList& configs) {
        m_boundaryView->setLesson(labels, configs);
    });
}

void DemoController::showRescalingLesson()
{
    if (!m_rescalingView) {
        m_rescalingView = new RescalingDemoView;
        m_rescalingView->setTheme(m_window->lossPlot()->theme());
        m_rescalingDock = addLessonDock(m_rescalingView, tr("Rescaling T_α"), QStringLiteral("rescalingDemoDock"));
        connect(m_rescalingView, &RescalingDemoView::lessonReady, this,
                [this](const QString& error) { lessonReady(tr("rescaling"), error); });
    }
    runLessonIn(m_rescalingDock, [this](const QStringList& labels, const QStringList& configs) {
        m_rescalingView->setLesson(labels.front(), configs.front());
    });
    // One run and one minimum: the lesson's curves against alpha say more than the run's single
    // sharpness point; the lesson takes the sharpness column's room until the next demo.
    makeRoomForLesson({"sharpnessDock", "slicesDock"});
}

void DemoController::showComparison()
{
    if (!m_comparison) {
        m_comparison = new RunComparisonTable;
        m_comparisonDock = new QDockWidget(tr("Comparison"), m_window);
        m_comparisonDock->setObjectName(QStringLiteral("comparisonDemoDock"));
        m_comparisonDock->setWidget(m_comparison);
        m_window->addDockWidget(Qt::RightDockWidgetArea, m_comparisonDock);
        if (auto* spectrum = m_window->findChild<QDockWidget*>(QStringLiteral("spectrumDock")))
            m_window->tabifyDockWidget(spectrum, m_comparisonDock);
    }
    m_comparison->clearRuns();
    m_comparisonDock->show();
    m_comparisonDock->raise();
}

void DemoController::recordComparison(const TrainingOutcome& outcome)
{
    if (!m_comparison || m_comparisonLabel.isEmpty())
        return;
    if (outcome.status == core::RunStatus::Finished)
        m_comparison->addRun({m_comparisonLabel, outcome.iterations, outcome.final.trainLoss,
                              outcome.final.testAccuracy, m_lastSharpness, m_lastNonUniformity});
    m_comparisonLabel.clear();
}

void DemoController::setTheme(const PlotTheme& theme)
{
    if (m_escapeView)
        m_escapeView->setTheme(theme);
    if (m_normalizationView)
        m_normalizationView->setTheme(theme);
    if (m_boundaryView)
        m_boundaryView->setTheme(theme);
    if (m_rescalingView)
        m_rescalingView->setTheme(theme);
}

}   // namespace minimascope::ui
