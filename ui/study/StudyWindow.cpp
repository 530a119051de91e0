#include "study/StudyWindow.h"

#include "PlotPanel.h"
#include "PlotTheme.h"
#include "controllers/ExportController.h"
#include "study/NewStudyDialog.h"
#include "study/StudyPlots.h"
#include "study/StudyStore.h"
#include "study/StudyTableModel.h"
#include "study/StudyTablePane.h"
#include "study/StudyWorker.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include <cmath>
#include <exception>

namespace minimascope::ui {
namespace {

constexpr int kWatchIntervalMs = 1000;

// "2 min 05 s", "40 s", "1 h 12 min".
QString formatDuration(double seconds)
{
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 s").arg(s);
}

// The runs a study file defines, as "to do" rows (what the store will hold once it starts).
std::vector<core::StudyRunRecord> recordsOf(const core::StudyConfig& study)
{
    std::vector<core::StudyRunRecord> runs;
    for (const core::StudyPoint& point : study.points) {
        core::StudyRunRecord r;
        r.key = point.key;
        r.ordinal = point.ordinal;
        r.configJson = point.config.toJson().dump();
        r.axesJson = point.axes.dump();
        r.eta = point.config.optimizer.lr;
        r.optimizer = point.config.optimizer.name;
        r.seed = int64_t(point.config.seed);
        r.batchSize = point.config.optimizer.fullBatch() ? 0 : point.config.optimizer.batchSize;
        r.sharpness = r.nonUniformity = r.trainLoss = r.testAccuracy = std::nan("");
        runs.push_back(std::move(r));
    }
    return runs;
}

QString signatureOf(const std::vector<core::StudyRunRecord>& runs)
{
    QString s;
    for (const core::StudyRunRecord& r : runs)
        s += QStringLiteral("%1:%2:%3:%4:%5;")
                 .arg(QString::fromStdString(r.key))
                 .arg(int(r.state))
                 .arg(r.attempts)
                 .arg(r.iterations)
                 .arg(QString::fromStdString(r.folder));
    return s;
}

}   // namespace

StudyWindow::StudyWindow(QWidget* parent) : QMainWindow(parent)
{
    registerStudyMetaTypes();
    setObjectName(QStringLiteral("studyWindow"));
    setWindowTitle(tr("Study — MinimaScope"));
    m_tablePane = new StudyTablePane(this);
    m_plots = new StudyPlots(this);

    m_worker = new StudyWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &StudyWorker::progress, this, &StudyWindow::onProgress);
    connect(m_worker, &StudyWorker::finished, this, &StudyWindow::onFinished);
    connect(m_worker, &StudyWorker::started, this, [this](const QString& name, const QString&, qint64) {
        setTitleFor(name);
        refresh();
    });
    m_thread.setObjectName(QStringLiteral("study"));
    m_thread.start();

    buildActions();
    buildLayout();
    m_watch.setInterval(kWatchIntervalMs);
    connect(&m_watch, &QTimer::timeout, this, &StudyWindow::refresh);
    connect(m_plots, &StudyPlots::runClicked, m_tablePane, &StudyTablePane::selectRun);
    updateActions();
    showCounts();
    resize(1500, 950);
}

StudyWindow::~StudyWindow()
{
    m_worker->stop();   // an atomic: seen by the runner within its 50 ms poll
    m_thread.quit();
    m_thread.wait();
}

void StudyWindow::buildActions()
{
    m_newAction = new QAction(tr("&New study…"), this);
    m_newAction->setObjectName(QStringLiteral("newStudyAction"));
    m_newAction->setToolTip(tr("Define the axes in a form"));
    m_openFileAction = new QAction(tr("Open study &file…"), this);
    m_openFileAction->setObjectName(QStringLiteral("openStudyFileAction"));
    m_openFolderAction = new QAction(tr("Open study f&older…"), this);
    m_openFolderAction->setObjectName(QStringLiteral("openStudyFolderAction"));
    m_startAction = new QAction(tr("&Start"), this);
    m_startAction->setObjectName(QStringLiteral("startStudyAction"));
    m_startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_pauseAction = new QAction(tr("&Pause"), this);
    m_pauseAction->setObjectName(QStringLiteral("pauseStudyAction"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setToolTip(tr("Start no new run; the runs in flight finish"));
    m_stopAction = new QAction(tr("S&top"), this);
    m_stopAction->setObjectName(QStringLiteral("stopStudyAction"));
    m_stopAction->setToolTip(tr("Stop the runs in flight (they are redone by the next Start)"));
    connect(m_newAction, &QAction::triggered, this, &StudyWindow::defineStudy);
    connect(m_openFileAction, &QAction::triggered, this, &StudyWindow::chooseStudyFile);
    connect(m_openFolderAction, &QAction::triggered, this, &StudyWindow::chooseStudyFolder);
    connect(m_startAction, &QAction::triggered, this, &StudyWindow::start);
    connect(m_pauseAction, &QAction::toggled, this, &StudyWindow::setPaused);
    connect(m_stopAction, &QAction::triggered, this, &StudyWindow::stop);

    m_workersBox = new QSpinBox(this);
    m_workersBox->setObjectName(QStringLiteral("workersBox"));
    m_workersBox->setRange(0, 64);
    m_workersBox->setSpecialValueText(tr("auto"));
    m_workersBox->setToolTip(tr("Child processes at once; auto = one per core"));

    QToolBar* bar = addToolBar(tr("Study"));
    bar->setObjectName(QStringLiteral("studyToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addActions({m_newAction, m_openFileAction, m_openFolderAction});
    bar->addSeparator();
    bar->addActions({m_startAction, m_pauseAction, m_stopAction});
    bar->addWidget(new QLabel(tr(" Runs at once: "), bar));
    bar->addWidget(m_workersBox);

    QMenu* file = menuBar()->addMenu(tr("&Study"));
    file->addActions({m_newAction, m_openFileAction, m_openFolderAction});
    file->addSeparator();
    file->addActions({m_startAction, m_pauseAction, m_stopAction});
    file->addSeparator();
    file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);
    m_export = new ExportController(this);
    for (const auto& [name, panel] : m_plots->panels())
        m_export->addPlot(name, panel);
    m_export->populate(menuBar()->addMenu(tr("&Export")));
}

void StudyWindow::buildLayout()
{
    connect(m_tablePane, &StudyTablePane::selectionChanged, this, &StudyWindow::onSelectionChanged);
    connect(m_tablePane, &StudyTablePane::runActivated, this, [this](int run) {
        const QString folder = QString::fromStdString(model()->run(run).folder);
        if (!folder.isEmpty() && !m_dir.isEmpty())
            Q_EMIT openRunRequested(QDir(m_dir).absoluteFilePath(folder));
    });

    m_progressLabel = new QLabel(this);
    m_progressLabel->setObjectName(QStringLiteral("studyProgressLabel"));
    m_progressBar = new QProgressBar(this);
    m_progressBar->setMaximumWidth(260);
    m_progressBar->setTextVisible(true);
    auto* progressRow = new QHBoxLayout;
    progressRow->setContentsMargins(6, 2, 6, 2);
    progressRow->addWidget(m_progressBar);
    progressRow->addWidget(m_progressLabel, 1);

    // Top: the table beside the diagram; bottom: the quantity plot and the selected runs' curves.
    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_tablePane);
    top->addWidget(m_plots->diagramPane());
    top->setStretchFactor(0, 11);
    top->setStretchFactor(1, 9);
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(m_plots->quantityPane());
    bottom->addWidget(m_plots->lossPane());
    bottom->addWidget(m_plots->sharpnessPane());
    auto* vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(top);
    vertical->addWidget(bottom);
    vertical->setStretchFactor(0, 11);
    vertical->setStretchFactor(1, 9);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(progressRow);
    layout->addWidget(vertical, 1);
    setCentralWidget(central);
}

StudyTableModel* StudyWindow::model() const { return m_tablePane->model(); }

StudyFilterModel* StudyWindow::filterModel() const { return m_tablePane->filterModel(); }

QTableView* StudyWindow::table() const { return m_tablePane->table(); }

QComboBox* StudyWindow::stateFilterBox() const { return m_tablePane->stateFilterBox(); }

QLineEdit* StudyWindow::axesFilterEdit() const { return m_tablePane->axesFilterEdit(); }

void StudyWindow::setCliExecutable(const QString& path) { m_worker->setExecutable(path); }

void StudyWindow::setPlotTheme(const PlotTheme& theme) { m_plots->setTheme(theme); }

void StudyWindow::setTitleFor(const QString& name)
{
    setWindowTitle(tr("Study %1 — %2 — MinimaScope").arg(name, QDir::toNativeSeparators(m_dir)));
}

bool StudyWindow::openStudy(const QString& path, QString* error)
{
    const QFileInfo info(path);
    if (info.isDir())
        return openStudyFolder(path, error);
    if (info.fileName() == QStringLiteral("study.sqlite"))
        return openStudyFolder(info.absolutePath(), error);
    return openStudyFile(path, {}, error);
}

bool StudyWindow::openStudyFolder(const QString& dir, QString* error)
{
    if (m_running) {
        if (error)
            *error = tr("Stop the running study first");
        return false;
    }
    const QString store = QDir(dir).filePath(QStringLiteral("study.sqlite"));
    if (!QFileInfo::exists(store)) {
        if (error)
            *error = tr("%1 holds no study (no study.sqlite)").arg(dir);
        return false;
    }
    try {
        const core::StudyStore reader(store.toStdString(), true);
        m_dir = QFileInfo(dir).absoluteFilePath();
        m_file.clear();
        m_resumable = !reader.studyDocument().empty();
        setTitleFor(QString::fromStdString(reader.studyName()));
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    m_storeSignature.clear();
    table()->clearSelection();
    model()->setRuns({});
    refresh();
    m_watch.start();
    updateActions();
    return m_lastError.isEmpty();
}

bool StudyWindow::openStudyFile(const QString& file, const QString& outDir, QString* error)
{
    if (m_running) {
        if (error)
            *error = tr("Stop the running study first");
        return false;
    }
    core::StudyConfig study;
    try {
        study = core::loadStudyConfig(file.toStdString());
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    const QFileInfo info(file);
    m_file = info.absoluteFilePath();
    m_dir = outDir.isEmpty() ? info.dir().absoluteFilePath(info.completeBaseName())
                             : QFileInfo(outDir).absoluteFilePath();
    setTitleFor(QString::fromStdString(study.name));
    m_storeSignature.clear();
    table()->clearSelection();
    model()->setRuns({});
    m_tablePane->setRuns(recordsOf(study));
    m_plots->setRuns(model()->runs(), m_dir, model()->axisKeys());
    m_tablePane->selectFirstRow();
    // What an earlier Start already ran into that folder shows at once.
    if (QFileInfo::exists(QDir(m_dir).filePath(QStringLiteral("study.sqlite"))))
        refresh();
    m_watch.start();
    showCounts();
    updateActions();
    statusBar()->showMessage(tr("%n point(s) in %1; Start runs them into %2", nullptr, int(study.points.size()))
                                 .arg(info.fileName(), QDir::toNativeSeparators(m_dir)));
    return true;
}

void StudyWindow::defineStudy()
{
    NewStudyDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    const QString file = dialog.writeStudyFile(&error);
    if (file.isEmpty() || !openStudyFile(file, QFileInfo(file).absolutePath(), &error))
        QMessageBox::warning(this, tr("Cannot create the study"), error);
}

void StudyWindow::chooseStudyFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Open a study file"), QString(),
                                                      tr("Study file (*.json);;All files (*)"));
    if (file.isEmpty())
        return;
    const QFileInfo info(file);
    const QString out = QFileDialog::getExistingDirectory(
        this, tr("The folder the study writes (its store and run folders)"), info.absolutePath());
    if (out.isEmpty())
        return;
    QString error;
    if (!openStudyFile(file, out, &error))
        QMessageBox::warning(this, tr("Cannot open the study file"), error);
}

void StudyWindow::chooseStudyFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a study folder"));
    if (dir.isEmpty())
        return;
    QString error;
    if (!openStudyFolder(dir, &error))
        QMessageBox::warning(this, tr("Cannot open the study"), error);
}

void StudyWindow::refresh()
{
    if (m_dir.isEmpty())
        return;
    const QString store = QDir(m_dir).filePath(QStringLiteral("study.sqlite"));
    if (!QFileInfo::exists(store))
        return;   // the study has not started yet
    std::vector<core::StudyRunRecord> runs;
    try {
        // Read-only, opened afresh: another process (the CLI, the worker's runner) writes it.
        const core::StudyStore reader(store.toStdString(), true);
        runs = reader.runs();
        m_lastError.clear();
    } catch (const std::exception& e) {
        m_lastError = QString::fromStdString(e.what());
        statusBar()->showMessage(m_lastError);
        return;
    }
    const QString signature = signatureOf(runs);
    if (signature == m_storeSignature)
        return;
    m_storeSignature = signature;
    const bool wasEmpty = model()->rowCount() == 0;
    m_tablePane->setRuns(std::move(runs));
    m_plots->setRuns(model()->runs(), m_dir, model()->axisKeys());
    // The diagram's bounds are the first run's until the user picks another: the selection says so.
    if (wasEmpty)
        m_tablePane->selectFirstRow();
    onSelectionChanged();
    showCounts();
}

void StudyWindow::onSelectionChanged() { m_plots->setSelection(m_tablePane->selectedRuns()); }

bool StudyWindow::start()
{
    if (m_running || (m_file.isEmpty() && !m_resumable))
        return false;
    m_running = true;
    m_etaSeconds = -1.0;
    m_pauseAction->setChecked(false);
    m_worker->setPaused(false);
    const QString file = m_file;
    const QString dir = m_dir;
    const int workers = m_workersBox->value();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, file, dir, workers] { worker->start(file, dir, workers); }, Qt::QueuedConnection);
    m_watch.start();
    updateActions();
    showCounts();
    return true;
}

void StudyWindow::setPaused(bool paused)
{
    m_worker->setPaused(paused);   // direct: an atomic the runner polls
    if (m_pauseAction->isChecked() != paused)
        m_pauseAction->setChecked(paused);
    showCounts();
}

void StudyWindow::stop()
{
    m_worker->stop();   // direct: an atomic the runner polls every 50 ms
    m_stopAction->setEnabled(false);
    statusBar()->showMessage(tr("Stopping: the runs in flight go back to to do"));
}

void StudyWindow::onProgress(const core::StudyProgress& progress)
{
    m_etaSeconds = progress.etaSeconds;
    if (!progress.event.empty()) {
        statusBar()->showMessage(QString::fromStdString(progress.event), 8000);
        refresh();   // a run started or ended: show it now rather than at the next tick
    }
    showCounts();
}

void StudyWindow::onFinished(core::RunStatus status, const QString& message)
{
    m_running = false;
    m_etaSeconds = -1.0;
    refresh();
    updateActions();
    showCounts();
    if (status == core::RunStatus::Failed)
        QMessageBox::warning(this, tr("The study did not run"), message);
    statusBar()->showMessage(message);
    Q_EMIT studyFinished(status, message);
}

void StudyWindow::updateActions()
{
    const bool canStart = !m_file.isEmpty() || m_resumable;
    m_startAction->setEnabled(!m_running && canStart);
    m_startAction->setToolTip(canStart ? tr("Run the points still to do")
                                       : tr("Open the study file to run or resume the study"));
    m_pauseAction->setEnabled(m_running);
    m_stopAction->setEnabled(m_running);
    m_workersBox->setEnabled(!m_running);
    m_openFileAction->setEnabled(!m_running);
    m_newAction->setEnabled(!m_running);
    m_openFolderAction->setEnabled(!m_running);
}

void StudyWindow::showCounts()
{
    qint64 counts[5] = {};
    for (const core::StudyRunRecord& run : model()->runs())
        ++counts[int(run.state)];
    const qint64 total = qint64(model()->runs().size());
    const qint64 ended = counts[int(core::StudyRunState::Done)] + counts[int(core::StudyRunState::Failed)]
                         + counts[int(core::StudyRunState::Diverged)];
    m_progressBar->setRange(0, int(std::max<qint64>(total, 1)));
    m_progressBar->setValue(int(ended));
    m_progressBar->setFormat(QStringLiteral("%v / %m"));
    m_progressLabel->setText(progressText());
}

QString StudyWindow::progressText() const
{
    if (m_dir.isEmpty())
        return tr("No study open: open a study file (to run it) or a study folder (to look at it)");
    qint64 counts[5] = {};
    for (const core::StudyRunRecord& run : model()->runs())
        ++counts[int(run.state)];
    QString text = tr("%1 done · %2 running · %3 to do · %4 failed · %5 diverged")
                       .arg(counts[int(core::StudyRunState::Done)])
                       .arg(counts[int(core::StudyRunState::Running)])
                       .arg(counts[int(core::StudyRunState::ToDo)])
                       .arg(counts[int(core::StudyRunState::Failed)])
                       .arg(counts[int(core::StudyRunState::Diverged)]);
    if (m_running) {
        if (m_pauseAction->isChecked())
            text += tr(" · paused: no new run starts");
        else if (m_etaSeconds >= 0.0)
            text += tr(" · ETA %1").arg(formatDuration(m_etaSeconds));
        else
            text += tr(" · ETA after the first run");
    } else if (m_file.isEmpty()) {
        text += m_resumable ? tr(" · Start resumes it") : tr(" · watching the store (read-only)");
    }
    return text;
}

void StudyWindow::closeEvent(QCloseEvent* event)
{
    if (m_running)
        m_worker->stop();
    m_watch.stop();
    QMainWindow::closeEvent(event);
}

}   // namespace minimascope::ui
