#pragma once
// Checks the user's own files of a run config (dataset "arrays", model kind "torchscript") off the
// GUI thread, as a run would load them: the data set, then the model on its training set (the
// Trainer and minimascope-cli do the same), so that the errors are the core's own.
// Lives on a QThread of its own (SetupPanel owns it); requests arrive as queued calls of check()
// and answers leave as the `checked` signal, tagged with the request's job id so that the panel
// drops answers to requests it has since replaced. Loading cannot be interrupted: a check runs
// to its end, but one already superseded when its turn comes is skipped without an answer.
#include "train/RunConfig.h"

#include <QObject>
#include <QString>

#include <atomic>

namespace minimascope::ui {

class OwnFilesChecker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // Requests with a smaller job id than `jobId` are skipped. Any thread (an atomic: a queued
    // call would wait behind the checks it is meant to skip).
    void supersede(quint64 jobId);

    // Loads the files of `config` (validated by the panel) on this object's thread: call it there
    // (a queued call).
    void check(quint64 jobId, const core::RunConfig& config);

Q_SIGNALS:
    // `message` is empty when the files load; otherwise the core's message and the config key it
    // names (empty when it names none).
    void checked(quint64 jobId, const QString& message, const QString& key);

private:
    std::atomic<quint64> m_latest{0};
};

}   // namespace minimascope::ui
