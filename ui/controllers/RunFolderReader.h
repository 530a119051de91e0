#pragma once
// Reads what the window shows of a saved run folder (core/train/RunFolder.h writes it):
// metrics.csv back into metrics points and config.json as text. Torch-free on purpose: opening
// a run is a file read, the GUI thread can do it.
#include "workers/WorkerTypes.h"

namespace minimascope::ui {

struct SavedRun {
    QString configJson;              // empty when the folder has no config.json
    QVector<MetricsPoint> metrics;
};

// false and *error (naming the file and line) when metrics.csv is missing or malformed.
bool readRunFolder(const QString& dir, SavedRun* run, QString* error);

} // namespace minimascope::ui
