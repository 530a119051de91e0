// The bad-input corpus (tests/data/bad/README.md) through the main window's own open functions, as
// File → Open study, Open project and Open run folder and the set-up panel reach it: every entry is
// refused with a message naming its file, nothing of it is shown, and nothing is written. The
// entries are listed from the corpus folders, so a new one is tested here without a change. The
// command line's side is tests/cli/bad_inputs.sh.
#include "LossPlot.h"
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "QCustomPlotInclude.h"
#include "StabilityDiagram.h"
#include "controllers/RunController.h"
#include "controllers/WhatIfController.h"
#include "panels/SetupPanel.h"
#include "train/RunFolder.h"
#include "support/FileBytes.h"
#include "support/TestSuite.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QMap>
#include <QSettings>
#include <QSignalSpy>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace minimascope::ui;
using namespace minimascope::tests;
namespace core = minimascope::core;

using minimascope::testsupport::readAll;
using minimascope::testsupport::writeAll;

namespace {

const QString kCorpus = QStringLiteral(MINIMASCOPE_SOURCE_DIR "/tests/data/bad");

// Every file and folder under `dir` by relative path: a file's SHA-1, a folder's "dir". Hidden
// and special files count too (an SQLite -wal or -shm file beside a store would be a write).
QMap<QString, QByteArray> fingerprint(const QString& dir)
{
    QMap<QString, QByteArray> entries;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        entries.insert(QDir(dir).relativeFilePath(path),
                       it.fileInfo().isDir() || !file.open(QIODevice::ReadOnly)
                           ? QByteArray("dir")
                           : QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha1).toHex());
    }
    return entries;
}

bool copyTree(const QString& from, const QString& to)
{
    if (!QDir().mkpath(to))
        return false;
    const QDir source(from);
    for (const QFileInfo& entry : source.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)) {
        const QString target = QDir(to).filePath(entry.fileName());
        if (entry.isDir() ? !copyTree(entry.filePath(), target) : !QFile::copy(entry.filePath(), target))
            return false;
    }
    return true;
}

// The corpus entries of `folder`: its files matching `filters`, or its sub-folders.
QFileInfoList entries(const QString& folder, const QStringList& filters, QDir::Filters kind)
{
    return QDir(folder).entryInfoList(filters, kind | QDir::NoDotAndDotDot, QDir::Name);
}

// A file of another run is refused before its content is read: the corpus's configs and indexes
// carry no run id, so one is given to those that are objects, and the file's own fault is found.
QByteArray withRunId(QByteArray text, const QString& runId)
{
    if (text.startsWith('{'))
        text.insert(1, QStringLiteral("\"run_id\": \"%1\", ").arg(runId).toUtf8());
    return text;
}

int lossPoints(MainWindow& window) { return window.lossPlot()->graph(LossPlot::Series::TrainLoss)->dataCount(); }

QStringList recentEntries() { return QSettings().value(QStringLiteral("recent/entries")).toStringList(); }

// What a project case's message must name besides the file, by the case's file name; a case not
// listed here: the file alone.
QString projectNeedle(const QString& caseName)
{
    static const QMap<QString, QString> needles{
        {QStringLiteral("config-not-an-object"), QStringLiteral("'config' must be an object")},
        {QStringLiteral("config-unknown-key"), QStringLiteral("'config' is not a valid run config: config key "
                                                              "'optimizer.lrr' is unknown")},
        {QStringLiteral("config-wrong-type"), QStringLiteral("'config' is not a valid run config: config key "
                                                             "'optimizer.lr' must be a number")},
        {QStringLiteral("config-out-of-range"), QStringLiteral("'config' is not a valid run config: config key "
                                                               "'optimizer.lr' must be in")},
        {QStringLiteral("config-model-for-another-dataset"),
         QStringLiteral("'config' is not a valid run config: config key 'dataset.name' must be \"escape-toy\"")},
        {QStringLiteral("curvature-iteration-null"), QStringLiteral("curvature row 1 is not 4 numbers")},
        {QStringLiteral("curvature-not-a-list"), QStringLiteral("'curvature' must be a list")},
        {QStringLiteral("duplicate-key"), QStringLiteral("duplicate key 'version'")},
        {QStringLiteral("empty"), QStringLiteral("not valid JSON")},
        {QStringLiteral("metrics-iteration-huge"), QStringLiteral("metrics row 2 is not 7 numbers")},
        {QStringLiteral("metrics-not-a-list"), QStringLiteral("'metrics' must be a list")},
        {QStringLiteral("metrics-short-row"), QStringLiteral("is not 7 numbers")},
        {QStringLiteral("metrics-text-cell"), QStringLiteral("is not 7 numbers")},
        {QStringLiteral("missing-run"), QStringLiteral("run.batch_size and run.n must be whole numbers")},
        {QStringLiteral("newer-version"), QStringLiteral("not a MinimaScope project")},
        {QStringLiteral("not-an-object"), QStringLiteral("not a JSON object")},
        {QStringLiteral("run-batch-size-fraction"), QStringLiteral("run.batch_size and run.n must be whole numbers")},
        {QStringLiteral("run-eta-as-text"), QStringLiteral("run.eta must be a number")},
        {QStringLiteral("run-n-negative"), QStringLiteral("run.batch_size and run.n must be whole numbers")},
        {QStringLiteral("run-not-an-object"), QStringLiteral("'run' must be an object")},
        {QStringLiteral("session-batch-size-huge"), QStringLiteral("session point 1 has no whole batch_size")},
        {QStringLiteral("session-eta-as-text"), QStringLiteral("session point 1 has an eta that is not a number")},
        {QStringLiteral("session-not-a-list"), QStringLiteral("'session' must be a list")},
        {QStringLiteral("session-point-not-an-object"), QStringLiteral("session point 1 has no whole batch_size")},
        {QStringLiteral("trailing-garbage"), QStringLiteral("not valid JSON")},
        {QStringLiteral("truncated"), QStringLiteral("not valid JSON")},
        {QStringLiteral("wrong-format"), QStringLiteral("not a MinimaScope project")}};
    return needles.value(caseName);
}

}   // namespace

class TestBadFiles : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void studies_data();
    void studies();
    void projects_data();
    void projects();
    void configsInTheSetupPanel_data();
    void configsInTheSetupPanel();
    void configsInRunFolders_data();
    void configsInRunFolders();
    void parametersInRunFolders_data();
    void parametersInRunFolders();
    void idxFoldersAsTrainingData_data();
    void idxFoldersAsTrainingData();

private:
    // The run folder `name` in the work folder: the good run, with `replace` (a relative path)
    // replaced by `source` (a file or a folder); an empty string on failure.
    QString badRunFolder(const QString& name, const QString& replace, const QString& source);
    // Rows of the column "path", one per corpus entry of `folder`.
    void addRows(const QString& folder, const QStringList& filters, QDir::Filters kind);

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_work;
    QString m_corpus;   // the work folder's copy of tests/data/bad, which every case opens
    QMap<QString, QByteArray> m_corpusBefore;
    QString m_goodRun;   // the escape toy's GD run, saved by the window
    QString m_runId;
    // The controls: what opens, so that a refusal is the bad file's doing.
    QString m_goodProject;   // the good run's session
    QString m_goodStudy;     // the shipped escape-toy study
};

void TestBadFiles::initTestCase()
{
    isolateSettings(m_settingsDir);
    QVERIFY(m_work.isValid());
    m_corpus = m_work.filePath(QStringLiteral("bad"));
    QVERIFY(copyTree(kCorpus, m_corpus));
    m_corpusBefore = fingerprint(m_corpus);
    QCOMPARE(m_corpusBefore, fingerprint(kCorpus));
    // Each folder has entries: a moved corpus must not pass as an empty one.
    for (const char* folder : {"config", "idx", "parameters", "study", "project"})
        QVERIFY2(!QDir(QDir(m_corpus).filePath(QLatin1String(folder)))
                      .entryList(QDir::AllEntries | QDir::NoDotAndDotDot)
                      .isEmpty(),
                 folder);

    // A good run to damage: GD on the escape toy (a few iterations), saved as the window saves it.
    MainWindow window;
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("escape-toy-gd")));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    m_goodRun = m_work.filePath(QStringLiteral("good-run"));
    QSignalSpy saved(window.runController(), &RunController::runFolderSaved);
    window.runController()->saveRunFolder(m_goodRun);
    QVERIFY(saved.wait(kRunTimeoutMs));
    QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));
    m_runId = QString::fromStdString(core::readRunFolderInfo(m_goodRun.toStdString()).runId);
    m_goodProject = m_work.filePath(QStringLiteral("good.msproj"));
    QVERIFY2(window.saveProject(m_goodProject), qPrintable(window.runStatusText()));
    m_goodStudy = m_work.filePath(QStringLiteral("escape-toy.json"));
    QVERIFY(QFile::copy(QStringLiteral(MINIMASCOPE_SOURCE_DIR "/resources/studies/escape-toy.json"), m_goodStudy));
}

void TestBadFiles::cleanup()
{
    // Whatever a case opened, the corpus holds the same bytes.
    QCOMPARE(fingerprint(m_corpus), m_corpusBefore);
}

void TestBadFiles::addRows(const QString& folder, const QStringList& filters, QDir::Filters kind)
{
    for (const QFileInfo& entry : entries(QDir(m_corpus).filePath(folder), filters, kind))
        QTest::newRow(qPrintable(entry.fileName())) << entry.absoluteFilePath();
}

QString TestBadFiles::badRunFolder(const QString& name, const QString& replace, const QString& source)
{
    const QString dir = m_work.filePath(QStringLiteral("runs/") + name);
    if (!copyTree(m_goodRun, dir))
        return {};
    const QString target = QDir(dir).filePath(replace);
    if (QFileInfo(source).isDir()) {
        if (!QDir(target).removeRecursively() || !copyTree(source, target))
            return {};
        const QString index = QDir(target).filePath(QStringLiteral("index.json"));
        if (QFile::exists(index) && !writeAll(index, withRunId(readAll(index), m_runId)))
            return {};
    } else if (!writeAll(target, withRunId(readAll(source), m_runId))) {
        return {};
    }
    return dir;
}

void TestBadFiles::studies_data()
{
    // Study files, and study folders whose store is damaged (File → Open study takes either).
    QTest::addColumn<QString>("path");
    QTest::newRow("good study") << m_goodStudy;
    addRows(QStringLiteral("study"), {QStringLiteral("*.json")}, QDir::Files);
    addRows(QStringLiteral("study"), {}, QDir::Dirs);
}

void TestBadFiles::studies()
{
    QFETCH(QString, path);
    MainWindow window;
    window.show();
    if (path == m_goodStudy) {
        QVERIFY2(window.openStudy(path), qPrintable(window.runStatusText()));
        return;
    }
    QVERIFY(!window.openStudy(path));
    QVERIFY2(window.runStatusText().startsWith(path), qPrintable(window.runStatusText()));
    QVERIFY(!recentEntries().join(QLatin1Char('\n')).contains(path));
}

void TestBadFiles::projects_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("good project") << m_goodProject;
    addRows(QStringLiteral("project"), {QStringLiteral("*.msproj")}, QDir::Files);
}

void TestBadFiles::projects()
{
    QFETCH(QString, path);
    MainWindow window;
    window.show();
    if (path == m_goodProject) {
        QVERIFY2(window.openProject(path), qPrintable(window.runStatusText()));
        QVERIFY(lossPoints(window) > 0);
        return;
    }
    const QString configBefore = window.setupPanel()->configJson();
    QVERIFY(!window.openProject(path));
    QVERIFY2(window.runStatusText().startsWith(path + QLatin1Char(':')), qPrintable(window.runStatusText()));
    QVERIFY2(window.runStatusText().contains(projectNeedle(QFileInfo(path).completeBaseName())),
             qPrintable(window.runStatusText()));
    // Nothing of the file was shown: no curve, no session point, the form as it was.
    QCOMPARE(lossPoints(window), 0);
    QCOMPARE(window.stabilityDiagram()->sessionPointCount(), 0);
    QCOMPARE(window.setupPanel()->configJson(), configBefore);
    QVERIFY(!recentEntries().join(QLatin1Char('\n')).contains(path));
}

void TestBadFiles::configsInTheSetupPanel_data()
{
    QTest::addColumn<QString>("path");
    for (const QFileInfo& entry :
         entries(QDir(m_corpus).filePath(QStringLiteral("config")), {QStringLiteral("*.json")}, QDir::Files)) {
        // Text the panel's QString cannot hold (invalid UTF-8) is the run-folder route's case.
        QStringDecoder utf8(QStringDecoder::Utf8);
        const QString text = utf8(readAll(entry.absoluteFilePath()));
        if (!utf8.hasError())
            QTest::newRow(qPrintable(entry.fileName())) << entry.absoluteFilePath();
    }
}

void TestBadFiles::configsInTheSetupPanel()
{
    // The panel takes a config's text (a run folder's, a demo's), not a path: its error names the
    // fault, and the form keeps the config it had.
    QFETCH(QString, path);
    SetupPanel panel;
    QVERIFY(panel.selectPreset(QStringLiteral("escape-toy-gd")));
    const QString before = panel.configJson();
    QVERIFY(!before.isEmpty());
    QString error;
    QVERIFY(!panel.loadConfig(QString::fromUtf8(readAll(path)), &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(panel.configJson(), before);
}

void TestBadFiles::configsInRunFolders_data()
{
    QTest::addColumn<QString>("path");
    addRows(QStringLiteral("config"), {QStringLiteral("*.json")}, QDir::Files);
}

void TestBadFiles::configsInRunFolders()
{
    // The good run with the bad config as its config.json, opened as File → Open run folder does.
    QFETCH(QString, path);
    const QString dir = badRunFolder(QFileInfo(path).completeBaseName(), QStringLiteral("config.json"), path);
    QVERIFY(!dir.isEmpty());
    const QMap<QString, QByteArray> before = fingerprint(dir);
    MainWindow window;
    window.show();
    QVERIFY(!window.openRunFolder(dir));
    QVERIFY2(window.runStatusText().startsWith(dir + QStringLiteral("/config.json: ")),
             qPrintable(window.runStatusText()));
    QCOMPARE(lossPoints(window), 0);
    QVERIFY(!recentEntries().join(QLatin1Char('\n')).contains(dir));
    QCOMPARE(fingerprint(dir), before);
}

void TestBadFiles::parametersInRunFolders_data()
{
    QTest::addColumn<QString>("path");
    // The good run as it is: the control that its what-if finishes.
    QTest::newRow("good run") << QString();
    addRows(QStringLiteral("parameters"), {}, QDir::Dirs);
}

void TestBadFiles::parametersInRunFolders()
{
    // The good run with a bad parameters/ opens (its curves are good); the what-if, which reads the
    // parameters, fails naming them, and the diagram gets no point.
    QFETCH(QString, path);
    const QString dir = path.isEmpty() ? m_goodRun
                                       : badRunFolder(QStringLiteral("parameters-") + QFileInfo(path).fileName(),
                                                      QStringLiteral("parameters"), path);
    QVERIFY(!dir.isEmpty());
    const QMap<QString, QByteArray> before = fingerprint(dir);
    MainWindow window;
    window.show();
    QSignalSpy shown(window.whatIf(), &WhatIfController::verdictShown);
    QVERIFY2(window.openRunFolder(dir), qPrintable(window.runStatusText()));
    QVERIFY(shown.wait(kRunTimeoutMs));
    const StabilityTestResult result = shown.at(0).at(0).value<StabilityTestResult>();
    if (path.isEmpty()) {
        QCOMPARE(core::toString(result.status), core::toString(core::RunStatus::Finished));
    } else {
        QCOMPARE(core::toString(result.status), core::toString(core::RunStatus::Failed));
        QVERIFY2(result.message.contains(dir + QStringLiteral("/parameters")), qPrintable(result.message));
        QCOMPARE(window.stabilityDiagram()->whatIfPoint()->dataCount(), 0);
    }
    QCOMPARE(fingerprint(dir), before);
}

void TestBadFiles::idxFoldersAsTrainingData_data()
{
    QTest::addColumn<QString>("path");
    addRows(QStringLiteral("idx"), {}, QDir::Dirs);
}

void TestBadFiles::idxFoldersAsTrainingData()
{
    // A Fashion-MNIST run (10 examples) on the damaged folder: the run cannot start, and says
    // which file.
    QFETCH(QString, path);
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("sgd-fashion-mnist")));
    nlohmann::json config = nlohmann::json::parse(window.setupPanel()->configJson().toStdString());
    config["dataset"]["path"] = path.toStdString();
    config["dataset"]["n"] = 10;
    config["dataset"]["test_n"] = 0;
    config["optimizer"]["batch_size"] = 5;
    QString error;
    QVERIFY2(window.setupPanel()->loadConfig(QString::fromStdString(config.dump()), &error), qPrintable(error));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY2(window.startRun(), qPrintable(window.runStatusText()));
    QVERIFY(finished.wait(kRunTimeoutMs));
    const TrainingOutcome outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(core::toString(outcome.status), core::toString(core::RunStatus::Failed));
    const QString images = QDir(path).filePath(QStringLiteral("train-images-idx3-ubyte"));
    QVERIFY2(outcome.reason.contains(images), qPrintable(outcome.reason));
    QVERIFY2(window.runStatusText().contains(images), qPrintable(window.runStatusText()));
    QCOMPARE(lossPoints(window), 0);
}

MINIMASCOPE_TEST_WIDGETS(TestBadFiles)
#include "TestBadFiles.moc"
