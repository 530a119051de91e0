#include "io/ResourceLibrary.h"

#include "common/InputError.h"

#include <cstdlib>
#include <filesystem>
#include <set>

namespace minimascope::core {

namespace fs = std::filesystem;

namespace {

// "presets" -> "preset", "studies" -> "study": for the error message.
std::string singular(const std::string& kind)
{
    if (kind.size() > 3 && kind.compare(kind.size() - 3, 3, "ies") == 0)
        return kind.substr(0, kind.size() - 3) + "y";
    if (!kind.empty() && kind.back() == 's')
        return kind.substr(0, kind.size() - 1);
    return kind;
}

}   // namespace

std::vector<std::string> resourceDirectories(const std::string& kind)
{
    std::vector<std::string> dirs;
    const char* presets = std::getenv("MINIMASCOPE_PRESETS");
    if (kind == "presets" && presets && *presets)
        dirs.emplace_back(presets);
    const char* resources = std::getenv("MINIMASCOPE_RESOURCES");
    if (resources && *resources)
        dirs.push_back((fs::path(resources) / kind).string());
    // The running executable, not argv[0]: argv[0] is a bare name when the program was found
    // through PATH, which is how an installed program is started.
    std::error_code error;
    const fs::path exe = fs::read_symlink("/proc/self/exe", error);
    if (!error)
        dirs.push_back((exe.parent_path().parent_path() / "share" / "minimascope" / kind).string());
    // The documentation is the source tree's docs/, beside resources/.
    const fs::path sourceResources(MINIMASCOPE_SOURCE_RESOURCES);
    dirs.push_back((kind == "docs" ? sourceResources.parent_path() / "docs" : sourceResources / kind).string());
    return dirs;
}

std::vector<std::string> listResources(const std::string& kind)
{
    std::set<std::string> names;
    for (const auto& dir : resourceDirectories(kind)) {
        std::error_code error;
        for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
            std::error_code typeError;
            if (it->path().extension() == ".json" && it->is_regular_file(typeError))
                names.insert(it->path().stem().string());
        }
    }
    return {names.begin(), names.end()};
}

std::string findResource(const std::string& kind, const std::string& name)
{
    for (const auto& dir : resourceDirectories(kind)) {
        const fs::path candidate = fs::path(dir) / (name + ".json");
        std::error_code error;
        if (fs::is_regular_file(candidate, error))
            return candidate.string();
    }
    std::string known;
    for (const auto& n : listResources(kind))
        known += (known.empty() ? "" : ", ") + n;
    throw InputError("no " + singular(kind) + " named '" + name + "' (known: " + (known.empty() ? "none found" : known)
                     + ")");
}

}   // namespace minimascope::core
