#pragma once
// The subcommands of minimascope-cli. Each returns the process exit code and throws InputError
// for bad input (main turns it into exit code 2).
#include "CliArguments.h"

namespace minimascope::core {
class CancelToken;
}

namespace minimascope::cli {

enum ExitCode { kSuccess = 0, kInternalError = 1, kBadInput = 2, kDiverged = 3, kCancelled = 4 };

int runTrain(const CliArguments& args, const core::CancelToken& cancel);
int runAnalyze(const CliArguments& args, const core::CancelToken& cancel);
int runLandscape(const CliArguments& args, const core::CancelToken& cancel);
// Only in builds with the GUI libraries (MINIMASCOPE_HAVE_FIGURES).
int runFigures(const CliArguments& args);

} // namespace minimascope::cli
