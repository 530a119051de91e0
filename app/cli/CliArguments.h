#pragma once
// The command line of minimascope-cli, parsed into plain values. Parsing never exits or
// prints: errors throw InputError with the message to show.
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace minimascope::cli {

struct CliArguments {
    std::string command;                      // "train", "presets", "help"
    std::string configPath;                   // --config
    std::string presetName;                   // --preset
    std::string outDir;                       // --out
    std::vector<std::pair<std::string, nlohmann::json>> overrides;   // --set and the shortcut flags
    bool quiet = false;
    bool helpRequested = false;
};

CliArguments parseArguments(int argc, char** argv);
std::string usageText();

// Applies "a.b.c" = value overrides to a config document (creating objects as needed).
void applyOverrides(nlohmann::json& config, const std::vector<std::pair<std::string, nlohmann::json>>& overrides);

} // namespace minimascope::cli
