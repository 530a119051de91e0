#pragma once
// Finds the shipped run presets (resources/presets/*.json): $MINIMASCOPE_PRESETS first, then
// the installed share/minimascope/presets next to the executable, then the source tree.
#include <string>
#include <vector>

namespace minimascope::cli {

std::vector<std::string> presetDirectories(const char* argv0);
// Path of NAME.json; throws InputError listing the known presets when there is none.
std::string findPreset(const std::string& name, const char* argv0);
// Names (file stems) of every preset found, sorted and without duplicates.
std::vector<std::string> listPresets(const char* argv0);

} // namespace minimascope::cli
