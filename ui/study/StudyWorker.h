#pragma once
// StudyWorker: runs a study (core::runStudy: every point a child process of minimascope-cli) on
// the thread it lives on, a QThread of the study window's, so that the GUI thread never waits on
// it. start() is called there (a queued call); progress and the end leave as queued signals.
// Thread-safety: setPaused() and stop() are called DIRECTLY from the GUI thread: they set atomics
// that the runner polls every 50 ms (a queued call would wait behind the running study). Pause
// starts no new run (those in flight finish); Stop ends the runs in flight and puts them back to
// "to do", so that starting again redoes them. Core types only inside: no torch, no widgets.
#include "study/StudyRunner.h"
#include "workers/WorkerTypes.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace minimascope::ui {

class StudyWorker : public QObject {
    Q_OBJECT
public:
    explicit StudyWorker(QObject* parent = nullptr);
    ~StudyWorker() override;

    // The minimascope-cli beside the application (QCoreApplication::applicationDirPath()) or, in
    // the build tree, in ../app (and ../../app for the tests); empty when there is none.
    static QString defaultExecutable();
    // The program that runs each point; set before start() (default: defaultExecutable()).
    void setExecutable(const QString& path);
    QString executable() const;

    // Any thread (see above).
    void setPaused(bool paused);
    bool isPaused() const;
    void stop();
    bool isRunning() const;

public Q_SLOTS:
    // Runs the study file into outDir with `workers` child processes at once (0 = one per core);
    // returns when it is done, stopped or failed (on the worker's thread: call it queued).
    void start(const QString& studyFile, const QString& outDir, int workers);

Q_SIGNALS:
    // The study file is valid and its store opened: `points` points in outDir.
    void started(const QString& studyName, const QString& outDir, qint64 points);
    void progress(const minimascope::core::StudyProgress& progress);
    // Finished (every point ran), Cancelled (Stop), or Failed with the message (a bad study
    // file, a folder of another study, no minimascope-cli, another process running the study).
    void finished(minimascope::core::RunStatus status, const QString& message);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Once before the first queued connection.
void registerStudyMetaTypes();

}   // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::core::StudyProgress)
