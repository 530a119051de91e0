#include "study/StudyWorker.h"

#include "common/CancelToken.h"
#include "study/StudyConfig.h"
#include "study/StudyRunner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <mutex>

namespace minimascope::ui {

struct StudyWorker::Impl {
    core::CancelToken cancel;
    std::atomic<bool> hold{false};
    std::atomic<bool> running{false};
    mutable std::mutex executableMutex;
    QString executable = StudyWorker::defaultExecutable();
};

StudyWorker::StudyWorker(QObject* parent) : QObject(parent), m_impl(std::make_unique<Impl>()) { }

StudyWorker::~StudyWorker() = default;

QString StudyWorker::defaultExecutable()
{
    const QDir here(QCoreApplication::applicationDirPath());
    // Installed, both programs share bin/; in the build tree the GUI sits beside the CLI in app/
    // and the GUI tests two levels further down (tests/gui/).
    for (const QString& relative : {QStringLiteral("minimascope-cli"), QStringLiteral("../app/minimascope-cli"),
                                    QStringLiteral("../../app/minimascope-cli")}) {
        const QFileInfo candidate(here.filePath(relative));
        if (candidate.isFile() && candidate.isExecutable())
            return candidate.canonicalFilePath();
    }
    return {};
}

void StudyWorker::setExecutable(const QString& path)
{
    const std::lock_guard<std::mutex> lock(m_impl->executableMutex);
    m_impl->executable = path;
}

QString StudyWorker::executable() const
{
    const std::lock_guard<std::mutex> lock(m_impl->executableMutex);
    return m_impl->executable;
}

void StudyWorker::setPaused(bool paused) { m_impl->hold.store(paused); }

bool StudyWorker::isPaused() const { return m_impl->hold.load(); }

void StudyWorker::stop() { m_impl->cancel.requestCancel(); }

bool StudyWorker::isRunning() const { return m_impl->running.load(); }

void StudyWorker::start(const QString& studyFile, const QString& outDir, int workers)
{
    m_impl->cancel.reset();
    m_impl->running.store(true);
    core::RunStatus status = core::RunStatus::Failed;
    QString message;
    try {
        const QString program = executable();
        if (program.isEmpty())
            throw std::runtime_error(QStringLiteral("minimascope-cli was not found beside %1: the study's runs need it")
                                         .arg(QCoreApplication::applicationDirPath())
                                         .toStdString());
        // A study opened as a folder resumes the study file its store keeps.
        const core::StudyConfig study = studyFile.isEmpty() ? core::loadStoredStudy(outDir.toStdString())
                                                            : core::loadStudyConfig(studyFile.toStdString());
        core::StudyRunnerOptions options;
        options.workers = std::max(0, workers);
        options.executable = program.toStdString();
        options.hold = &m_impl->hold;
        bool announced = false;
        const core::RunStatus result = core::runStudy(
            study, outDir.toStdString(), options, m_impl->cancel, [&](const core::StudyProgress& p) {
                // The first report comes once the store is open and the points are in it.
                if (!announced) {
                    announced = true;
                    Q_EMIT started(QString::fromStdString(study.name), outDir, p.total);
                }
                Q_EMIT progress(p);
            });
        status = result == core::RunStatus::Cancelled ? core::RunStatus::Cancelled : core::RunStatus::Finished;
        message = status == core::RunStatus::Cancelled ? tr("stopped: the runs in flight are to do again")
                                                       : tr("every point has run");
    } catch (const std::exception& e) {
        status = core::RunStatus::Failed;
        message = QString::fromStdString(e.what());
    }
    m_impl->running.store(false);
    Q_EMIT finished(status, message);
}

void registerStudyMetaTypes()
{
    qRegisterMetaType<core::StudyProgress>();
    qRegisterMetaType<core::RunStatus>();
}

}   // namespace minimascope::ui
