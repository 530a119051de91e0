#include "PresetLibrary.h"

#include "common/InputError.h"

#include <cstdlib>
#include <filesystem>
#include <set>

namespace minimascope::cli {

namespace fs = std::filesystem;

std::vector<std::string> presetDirectories(const char* argv0)
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("MINIMASCOPE_PRESETS"))
        dirs.emplace_back(env);
    std::error_code error;
    const fs::path exe = fs::canonical(fs::path(argv0), error);
    if (!error)
        dirs.push_back((exe.parent_path().parent_path() / "share/minimascope/presets").string());
    dirs.emplace_back(MINIMASCOPE_SOURCE_PRESETS);
    return dirs;
}

std::vector<std::string> listPresets(const char* argv0)
{
    std::set<std::string> names;
    for (const auto& dir : presetDirectories(argv0)) {
        std::error_code error;
        for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error))
            if (it->path().extension() == ".json")
                names.insert(it->path().stem().string());
    }
    return {names.begin(), names.end()};
}

std::string findPreset(const std::string& name, const char* argv0)
{
    for (const auto& dir : presetDirectories(argv0)) {
        const fs::path candidate = fs::path(dir) / (name + ".json");
        if (fs::is_regular_file(candidate))
            return candidate.string();
    }
    std::string known;
    for (const auto& n : listPresets(argv0))
        known += (known.empty() ? "" : ", ") + n;
    throw core::InputError("no preset named '" + name + "' (known: " + (known.empty() ? "none found" : known) + ")");
}

} // namespace minimascope::cli
