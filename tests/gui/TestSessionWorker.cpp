// SessionWorker's cancellation by job id, on its own thread as the window runs it: a cancel
// stops exactly the job it names, running or still queued, and never a job queued behind or
// after it. Runs are the escape toy under GD (eta = 0.7 from x0 = 0.99), which reaches the
// minimum x = 1 (loss < 1e-10) in a few dozen steps, or never stops when its loss goal is 0.
#include "workers/SessionWorker.h"
#include "support/TestSuite.h"

#include "train/RunConfig.h"

#include <nlohmann/json.hpp>

#include <QThread>
#include <QtTest>

#include <map>

using namespace minimascope::ui;
namespace core = minimascope::core;

namespace {

constexpr int kRunTimeoutMs = 30000;

// Validated by the core, as the setup panel validates the configs it hands to the worker.
std::shared_ptr<const core::RunConfig> escapeToyGd(bool endless)
{
    const nlohmann::json config{
        {"dataset", {{"name", "escape-toy"}}},
        {"model", {{"kind", "escape-toy"}, {"x0", 0.99}}},
        {"optimizer", {{"name", "gd"}, {"lr", 0.7}}},
        {"stop", {{"loss_below", endless ? 0.0 : 1e-10}, {"max_iterations", endless ? 100000000 : 200}}}};
    return std::make_shared<const core::RunConfig>(core::RunConfig::fromJson(config));
}

}   // namespace

class TestSessionWorker : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void cancelStopsOnlyTheJobItNames();

private:
    void train(quint64 jobId, bool endless);

    QThread m_thread;
    SessionWorker* m_worker = nullptr;
    std::map<quint64, TrainingOutcome> m_outcomes;
    QList<quint64> m_started;
};

void TestSessionWorker::init()
{
    m_worker = new SessionWorker;
    m_worker->moveToThread(&m_thread);
    // Queued to this (the test's) thread, as RunController receives them.
    connect(m_worker, &SessionWorker::trainingStarted, this,
            [this](const TrainingStart& start) { m_started.append(start.jobId); });
    connect(m_worker, &SessionWorker::trainingFinished, this,
            [this](const TrainingOutcome& outcome) { m_outcomes[outcome.jobId] = outcome; });
    m_thread.start();
}

void TestSessionWorker::cleanup()
{
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
    m_worker = nullptr;
    m_outcomes.clear();
    m_started.clear();
}

void TestSessionWorker::train(quint64 jobId, bool endless)
{
    TrainingRequest request;
    request.jobId = jobId;
    request.config = escapeToyGd(endless);
    request.curvatureAtEnd = false;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, request] { worker->train(request); }, Qt::QueuedConnection);
}

void TestSessionWorker::cancelStopsOnlyTheJobItNames()
{
    // Job 1 runs until it is cancelled; jobs 2 and 3 wait behind it.
    train(1, true);
    train(2, false);
    train(3, false);
    QTRY_VERIFY_WITH_TIMEOUT(m_started.contains(1), kRunTimeoutMs);
    m_worker->cancel(3);   // a queued job: it must stop when it starts ...
    m_worker->cancel(1);   // ... and the running one now; job 2 was not asked to stop.
    QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), size_t(3), kRunTimeoutMs);
    QCOMPARE(toString(m_outcomes[1].status), toString(core::RunStatus::Cancelled));
    QVERIFY(m_outcomes[1].iterations > 0);
    QCOMPARE(toString(m_outcomes[2].status), toString(core::RunStatus::Finished));
    QCOMPARE(m_outcomes[2].reason, QStringLiteral("loss_below"));
    QCOMPARE(toString(m_outcomes[3].status), toString(core::RunStatus::Cancelled));
    QCOMPARE(m_outcomes[3].iterations, qint64(0));

    // A cancel of a job that has ended reaches neither the running job nor a later one.
    train(4, true);
    train(5, false);
    QTRY_VERIFY_WITH_TIMEOUT(m_started.contains(4), kRunTimeoutMs);
    m_worker->cancel(2);
    m_worker->cancel(3);
    m_worker->cancel(4);
    QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), size_t(5), kRunTimeoutMs);
    QCOMPARE(toString(m_outcomes[4].status), toString(core::RunStatus::Cancelled));
    QCOMPARE(toString(m_outcomes[5].status), toString(core::RunStatus::Finished));
    QCOMPARE(m_outcomes[5].reason, QStringLiteral("loss_below"));
}

MINIMASCOPE_TEST_GUILESS(TestSessionWorker)
#include "TestSessionWorker.moc"
