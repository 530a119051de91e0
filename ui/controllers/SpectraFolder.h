#pragma once
// A run folder's spectra/: the analyses `minimascope-cli analyze --snapshots` (and the app's
// Spectra through training) write there, one RUN/spectra/iter_NNNNNNNN.json a snapshot, in the
// format of analysis.json plus "iteration"; and one such report. Only file reads and writes: any
// thread.
#include "SpectraOverTraining.h"

#include <string>
#include <vector>

namespace minimascope::ui {

// The spectra of the run `runId` in runDir/spectra, in iteration order; empty when the folder
// has none. Throws core::InputError naming the file when one is not an analysis report or is of
// another run.
std::vector<SnapshotSpectrum> readSpectraFolder(const std::string& runDir, const std::string& runId);

// The density and top eigenvalues of an `analyze` report (analysis.json, or one of spectra/);
// iteration NaN when the report does not say. Throws core::InputError when the file is not a
// report of the run runId.
SnapshotSpectrum readAnalysisSpectrum(const std::string& path, const std::string& runId);

// runDir/spectra/iter_NNNNNNNN.json, the file of the analysis at `iteration`.
std::string spectrumFilePath(const std::string& runDir, long long iteration);

}   // namespace minimascope::ui
