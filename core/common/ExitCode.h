#pragma once
// The exit codes of both programs, minimascope-cli and the command line of the minimascope
// desktop application (--run, --surface), so that a script reads them the same way.
namespace minimascope::core {

enum ExitCode : int {
    kSuccess = 0,
    kInternalError = 1,   // a bug or an unexpected exception
    kBadInput = 2,        // options, config, data, output folder: the message says which
    kDiverged = 3,        // the run diverged (what was measured is kept)
    kCancelled = 4,       // Ctrl-C or SIGTERM (what was measured is written)
    kSurfaceFailed = 5,   // GUI only: the run was fine, the loss surface --surface asked for was not
};

}   // namespace minimascope::core
