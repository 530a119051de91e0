// File → Save project is atomic (issue 15): whatever stops a save, the file at the path is a
// whole project, the previous one or the new one, and nothing half-written is left beside it.
// Two faults, through the main window's own save: a disk that fills during the write, and kill -9
// of a process that is saving, at 20 random moments.
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "controllers/ProjectFile.h"
#include "support/FileBytes.h"
#include "support/TestSuite.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <cstdio>

#include <sys/resource.h>

using namespace minimascope::ui;
using namespace minimascope::tests;

using minimascope::testsupport::readAll;
using minimascope::testsupport::writeAll;

namespace {

// The folder the child of killDuringSave works in; set only in the child's environment.
const char* const kChildEnv = "MINIMASCOPE_SAVE_UNTIL_KILLED";
// Enough metrics rows that a save takes a while (3.6 MB of JSON), so that kills land mid-write.
constexpr int kBigProjectRows = 20000;
constexpr int kKills = 20;
// The child stops by itself if no kill came (a parent that died must not leave it saving forever).
constexpr qint64 kChildLifetimeMs = 60000;

// A valid project of the escape toy's GD run with `rows` metrics rows, as bytes.
QByteArray projectText(int rows, const QString& label)
{
    QJsonArray metrics;
    for (int i = 0; i < rows; ++i)
        metrics.append(QJsonArray{i * 10, i * 0.01, 1.0 / (i + 1), 1.0 / (i + 1), 1.0, QJsonValue(), QJsonValue()});
    const QJsonObject config = QJsonDocument::fromJson(R"({"dataset": {"name": "escape-toy"},
        "model": {"kind": "escape-toy", "x0": 0.99}, "optimizer": {"name": "gd", "lr": 0.7},
        "stop": {"max_iterations": 10}})")
                                   .object();
    const QJsonObject run{{QStringLiteral("eta"), 0.7},
                          {QStringLiteral("batch_size"), 2},
                          {QStringLiteral("n"), 2},
                          {QStringLiteral("batch_draw"), QStringLiteral("without replacement")},
                          {QStringLiteral("label"), label}};
    return QJsonDocument(QJsonObject{{QStringLiteral("format"), QStringLiteral("minimascope-project")},
                                     {QStringLiteral("version"), 1},
                                     {QStringLiteral("config"), config},
                                     {QStringLiteral("run"), run},
                                     {QStringLiteral("metrics"), metrics},
                                     {QStringLiteral("curvature"), QJsonArray()},
                                     {QStringLiteral("session"), QJsonArray()}})
        .toJson();
}

// Everything in `dir`, hidden files included (a temporary file would be one).
QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

// A file-size limit for this process, as a full disk: a write past it fails (EFBIG) part-way
// through the file, where a full disk would fail with ENOSPC. It needs no root and no mount, so
// it runs everywhere. SIGXFSZ, which would kill the process, is ignored meanwhile.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        m_previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &m_previous);
        rlimit limited = m_previous;
        limited.rlim_cur = bytes;
        m_set = setrlimit(RLIMIT_FSIZE, &limited) == 0;
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_previous);
        std::signal(SIGXFSZ, m_previousHandler);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    bool isSet() const { return m_set; }

private:
    using SignalHandler = void (*)(int);
    rlimit m_previous{};
    SignalHandler m_previousHandler = nullptr;
    bool m_set = false;
};

}   // namespace

class TestProjectSave : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aFullDiskKeepsThePreviousProject();
    void killDuringSaveLeavesAWholeProject();
    // Not a test: the process killDuringSave starts and kills (skipped unless started so).
    void saveUntilKilled();

private:
    QTemporaryDir m_work;
    QString m_big;        // a project of kBigProjectRows rows, to open and save again
    QByteArray m_small;   // the previous project at the save's path
};

void TestProjectSave::initTestCase()
{
    if (qEnvironmentVariableIsSet(kChildEnv))
        return;   // the child: its parent's folder holds everything
    QVERIFY(m_work.isValid());
    isolateSettings(m_work);
    m_big = m_work.filePath(QStringLiteral("big.msproj"));
    QVERIFY(writeAll(m_big, projectText(kBigProjectRows, QStringLiteral("big"))));
    m_small = projectText(2, QStringLiteral("previous"));
}

void TestProjectSave::aFullDiskKeepsThePreviousProject()
{
    if (qEnvironmentVariableIsSet(kChildEnv))
        QSKIP("the child of killDuringSaveLeavesAWholeProject");
    const QString dir = m_work.filePath(QStringLiteral("full-disk"));
    QVERIFY(QDir().mkpath(dir));
    const QString path = QDir(dir).filePath(QStringLiteral("session.msproj"));
    QVERIFY(writeAll(path, m_small));
    MainWindow window;
    QVERIFY2(window.openProject(m_big), qPrintable(window.runStatusText()));
    {
        // Room for 64 KiB: the 3.6 MB project fails mid-write.
        const FileSizeLimit limit(64 * 1024);
        QVERIFY(limit.isSet());
        QVERIFY(!window.saveProject(path));
    }
    QVERIFY2(window.runStatusText().contains(path), qPrintable(window.runStatusText()));
    QCOMPARE(readAll(path), m_small);
    QCOMPARE(entries(dir), QStringList{QStringLiteral("session.msproj")});
    // The control: with room, the same save replaces it whole.
    QVERIFY2(window.saveProject(path), qPrintable(window.runStatusText()));
    RunRecord record;
    QString error;
    QVERIFY2(loadProject(path, &record, &error), qPrintable(error));
    QCOMPARE(record.metrics.size(), qsizetype(kBigProjectRows));
    QCOMPARE(entries(dir), QStringList{QStringLiteral("session.msproj")});
}

void TestProjectSave::killDuringSaveLeavesAWholeProject()
{
    if (qEnvironmentVariableIsSet(kChildEnv))
        QSKIP("the child of killDuringSaveLeavesAWholeProject");
    int keptPrevious = 0;
    for (int seed = 1; seed <= kKills; ++seed) {
        const QString work = m_work.filePath(QStringLiteral("kill-%1").arg(seed));
        const QString dir = QDir(work).filePath(QStringLiteral("projects"));
        QVERIFY(QDir().mkpath(dir));
        const QString path = QDir(dir).filePath(QStringLiteral("session.msproj"));
        QVERIFY(writeAll(path, m_small));
        QVERIFY(QFile::copy(m_big, QDir(work).filePath(QStringLiteral("big.msproj"))));

        QProcess child;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QString::fromLatin1(kChildEnv), work);
        child.setProcessEnvironment(environment);
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("TestProjectSave"), QStringLiteral("saveUntilKilled")});
        QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));
        // "ready MS" once it has saved the reference (taking MS ms) and starts saving over `path`.
        QByteArray line;
        while (!line.startsWith("ready ") && (child.canReadLine() || child.waitForReadyRead(kRunTimeoutMs)))
            line = child.readLine();
        QVERIFY2(line.startsWith("ready "), qPrintable(QStringLiteral("seed %1: the child never saved").arg(seed)));
        const int saveMs = qMax(1, line.mid(6).trimmed().toInt());
        // A moment within its first three saves: the first decides whether the previous project survives.
        QThread::usleep(QRandomGenerator(quint32(seed)).bounded(quint64(3) * 1000 * quint64(saveMs)));
        child.kill();
        QVERIFY(child.waitForFinished(kRunTimeoutMs));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);   // killed, not finished or failed

        const QByteArray left = readAll(path);
        const QByteArray reference = readAll(QDir(work).filePath(QStringLiteral("reference.msproj")));
        QVERIFY(!reference.isEmpty());
        QVERIFY2(left == m_small || left == reference,
                 qPrintable(QStringLiteral("seed %1: %2 holds %3 bytes, neither the previous project (%4) nor "
                                           "the saved one (%5)")
                                .arg(seed)
                                .arg(path)
                                .arg(left.size())
                                .arg(m_small.size())
                                .arg(reference.size())));
        QVERIFY2(entries(dir) == QStringList{QStringLiteral("session.msproj")},
                 qPrintable(QStringLiteral("seed %1: left %2").arg(seed).arg(entries(dir).join(QStringLiteral(", ")))));
        if (left == m_small)
            ++keptPrevious;
    }
    qInfo("%d of %d kills came before the first save's rename (the previous project kept)", keptPrevious, kKills);
}

void TestProjectSave::saveUntilKilled()
{
    const QString work = qEnvironmentVariable(kChildEnv);
    if (work.isEmpty())
        QSKIP("the child of killDuringSaveLeavesAWholeProject: runs only when it starts it");
    QSettings::setDefaultFormat(QSettings::IniFormat);   // not the user's recent files
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, QDir(work).filePath(QStringLiteral("settings")));
    MainWindow window;
    QVERIFY2(window.openProject(QDir(work).filePath(QStringLiteral("big.msproj"))), qPrintable(window.runStatusText()));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(window.saveProject(QDir(work).filePath(QStringLiteral("reference.msproj"))));
    std::printf("ready %lld\n", static_cast<long long>(timer.elapsed()));
    std::fflush(stdout);
    const QString path = QDir(work).filePath(QStringLiteral("projects/session.msproj"));
    timer.start();
    while (timer.elapsed() < kChildLifetimeMs)
        QVERIFY(window.saveProject(path));
    QFAIL("not killed");
}

MINIMASCOPE_TEST_WIDGETS(TestProjectSave)
#include "TestProjectSave.moc"
