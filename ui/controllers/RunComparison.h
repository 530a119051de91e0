#pragma once
// What several run folders are compared by, read from each: the same 1D landscape of every run
// (RUN/NAME.vts, written by `landscape --dims 1`, with the direction kind its sidecar names) and
// each run's spectrum (an analysis in RUN/spectra, else RUN/analysis.json). `figures --overlay`
// and the desktop app's File → Compare run folders draw them with RunOverlay.h and
// SpectraOverTraining.h. Only file reads: any thread. Errors throw core::InputError naming the
// file and the command that would write it.
#include "RunOverlay.h"
#include "SpectraOverTraining.h"

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace minimascope::ui {

// RUN/NAME.vts as the curve `label` of a comparison.
RunCurve readRunCurve(const std::string& runDir, const std::string& name, const QString& label);

// The run's spectrum at `iteration` (-1: its last) of RUN/spectra, else RUN/analysis.json.
SnapshotSpectrum readRunSpectrum(const std::string& runDir, int64_t iteration);

// The 1D landscapes (NAME of NAME.vts) every one of these run folders holds, sorted.
std::vector<std::string> commonRunCurves(const std::vector<std::string>& runDirs);

// A run folder's legend name: its last path component ("runs/bn-s0/" -> "bn-s0").
std::string runFolderName(const std::string& runDir);

}   // namespace minimascope::ui
