#pragma once
// A MinimaScope project (.msproj, JSON): what the window shows of a session, so that it can be
// reopened later or elsewhere: the last run's resolved config and the shape the plots need, its
// metrics and (a, s) samples, and the session's end points on the stability diagram.
//   {"format": "minimascope-project", "version": 1, "config": {...}, "run": {"eta", "batch_size",
//    "n", "batch_draw" ("with replacement" or, also when absent, "without replacement"),
//    "label"}, "metrics": [[iteration, seconds, batch_loss, train_loss, train_accuracy,
//    test_loss, test_accuracy], ...], "curvature": [[iteration, a, s, seconds], ...],
//    "session": [{"a", "s", "eta", "batch_size", "label"}, ...]}
// NaN (not measured) is written as null. Parameters are not stored: the run folder holds them.
// Errors (unreadable file, not JSON, wrong format or shape, a config that is not a valid run
// config) return false with a message naming the file and the section or key. GUI thread or
// any thread (plain file I/O).
#include "controllers/RunRecorder.h"

namespace minimascope::ui {

// Writes the whole file or nothing (a temporary file renamed over `path`): a failed or killed save
// leaves the previous file as it was.
bool saveProject(const QString& path, const RunRecord& record, QString* error);
bool loadProject(const QString& path, RunRecord* record, QString* error);

}   // namespace minimascope::ui
