#pragma once
// Reads what the window shows of a saved run folder through core's reader (core/train/RunFolder.h):
// the streamed metrics and the validated config. Only file reads: the GUI thread can do it.
#include "workers/WorkerTypes.h"

namespace minimascope::ui {

struct SavedRun {
    QString runId;
    QString configJson;   // empty when the folder has no config.json
    QVector<core::MetricsRow> metrics;
};

// false and *error (naming the file and line) when the folder is not a run, is malformed, or mixes
// files of two runs.
bool readRunFolder(const QString& dir, SavedRun* run, QString* error);

}   // namespace minimascope::ui
