#pragma once
// Finds the JSON resources shipped with MinimaScope (resources/<kind>/NAME.json), for the CLI and
// the desktop application alike. `kind` is the subfolder name: "presets", "studies" or "demos";
// "docs" is the folder of the Markdown user documentation (docs/ of the source tree), which the
// help window reads with resourceDirectories().
// Search order: $MINIMASCOPE_PRESETS (presets only), $MINIMASCOPE_RESOURCES/<kind>, the installed
// <dir of the running executable>/../share/minimascope/<kind>, then the source tree the program
// was built from. Folders that do not exist are skipped. Reads the environment and the file
// system only: safe from any thread.
#include <string>
#include <vector>

namespace minimascope::core {

// The folders searched for `kind`, in order (whether they exist or not).
std::vector<std::string> resourceDirectories(const std::string& kind);
// Path of NAME.json in the first directory that has it; throws InputError listing the known
// names when none has it.
std::string findResource(const std::string& kind, const std::string& name);
// Names (file stems) of every NAME.json found, sorted, no duplicates.
std::vector<std::string> listResources(const std::string& kind);

}   // namespace minimascope::core
