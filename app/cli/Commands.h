#pragma once
// The subcommands of minimascope-cli. Each returns the process exit code and throws InputError
// for bad input (main turns it into exit code 2).
#include "CliArguments.h"

#include "common/ExitCode.h"

namespace minimascope::core {
class CancelToken;
}
namespace minimascope::ui {
class SpectrumPlot;
}

namespace minimascope::cli {

// The exit codes, shared with the desktop application.
using core::kBadInput;
using core::kCancelled;
using core::kDiverged;
using core::kInternalError;
using core::kSuccess;

int runTrain(const CliArguments& args, const core::CancelToken& cancel);
int runAnalyze(const CliArguments& args, const core::CancelToken& cancel);
int runLandscape(const CliArguments& args, const core::CancelToken& cancel);
// `study run|status|export|run-one` (args.study.action).
int runStudyCommand(const CliArguments& args, const core::CancelToken& cancel);
// `asymmetry`: asymmetric valleys along random filter-normalized directions; the words after it.
int runAsymmetry(const CliArguments& args, const core::CancelToken& cancel);
// `fdc`: the fitness-distance correlation around a teacher-student config's teacher.
int runFitnessDistance(const CliArguments& args, const core::CancelToken& cancel);
// Only in builds with the GUI libraries (MINIMASCOPE_HAVE_FIGURES).
int runFigures(const CliArguments& args);
// `figures --overlay`: several runs' curves and spectra on one figure each (OverlayFigures.cpp).
int runOverlayFigures(const FiguresArguments& options);
// The density and top eigenvalues of an `analyze` report (analysis.json) into `plot`; throws
// InputError when the file is not a report of the run runId.
void fillSpectrum(const std::string& path, const std::string& runId, ui::SpectrumPlot& plot);

}   // namespace minimascope::cli
