// minimascope-cli: the command-line face of the core library (see usageText()).
#include "Commands.h"

#include "common/AllocatorSettings.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "io/ResourceLibrary.h"

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace minimascope;
using namespace minimascope::cli;

core::CancelToken g_cancel;

extern "C" void onSignal(int)
{
    g_cancel.requestCancel();   // a lock-free atomic store: safe in a signal handler
}

} // namespace

int main(int argc, char** argv)
{
    core::keepFreedMemoryForReuse();
    try {
        // `study` has subcommands of its own (StudyCommand.cpp).
        if (argc >= 2 && std::string(argv[1]) == "study") {
            std::signal(SIGINT, onSignal);
            std::signal(SIGTERM, onSignal);
            return cli::runStudyCommand(std::vector<std::string>(argv + 2, argv + argc), g_cancel);
        }
        const cli::CliArguments args = cli::parseArguments(argc, argv);
        if (args.command == "help" || args.helpRequested) {
            std::cout << cli::usageText();
            return kSuccess;
        }
        if (args.command == "presets") {
            for (const auto& name : core::listResources("presets"))
                std::cout << name << '\n';
            return kSuccess;
        }
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
        if (args.command == "landscape")
            return cli::runLandscape(args, g_cancel);
        if (args.command == "analyze")
            return cli::runAnalyze(args, g_cancel);
        if (args.command == "figures") {
#ifdef MINIMASCOPE_HAVE_FIGURES
            return cli::runFigures(args);
#else
            std::cerr << "minimascope-cli: figures needs a build with the GUI libraries (MINIMASCOPE_BUILD_GUI=ON)\n";
            return kBadInput;
#endif
        }
        return cli::runTrain(args, g_cancel);
    } catch (const core::InputError& e) {
        std::cerr << "minimascope-cli: " << e.what() << '\n';
        return kBadInput;
    } catch (const std::exception& e) {
        std::cerr << "minimascope-cli: internal error: " << e.what() << '\n';
        return kInternalError;
    }
}
