#include "io/Directories.h"

#include "common/InputError.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace minimascope::core {

namespace fs = std::filesystem;

void replaceDirectoryAtomically(const std::string& path, const std::function<void(const std::string& tempDir)>& fill)
{
    std::random_device entropy;
    const std::string tempDir = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(entropy());
    std::error_code ignored;
    fs::remove_all(tempDir, ignored);
    try {
        fill(tempDir);
    } catch (...) {
        fs::remove_all(tempDir, ignored);
        throw;
    }
    // Without an old folder a rename is the whole story; with one, an exchange swaps both names
    // at once, so that no moment exists at which `path` is missing or half written.
    const bool hadOld = fs::is_directory(path, ignored);
    const int result = hadOld ? ::renameat2(AT_FDCWD, tempDir.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE)
                              : ::rename(tempDir.c_str(), path.c_str());
    if (result != 0) {
        const int error = errno;
        fs::remove_all(tempDir, ignored);
        throw InputError("cannot replace " + path + ": " + std::strerror(error));
    }
    if (hadOld)
        fs::remove_all(tempDir, ignored);   // now the old content
}

int64_t availableBytes(const std::string& path)
{
    fs::path probe = fs::absolute(path);
    std::error_code ignored;
    while (!probe.empty() && !fs::exists(probe, ignored) && probe != probe.root_path())
        probe = probe.parent_path();
    struct statvfs info { };
    if (::statvfs(probe.c_str(), &info) != 0)
        return -1;
    return static_cast<int64_t>(info.f_bavail) * static_cast<int64_t>(info.f_frsize);
}

}   // namespace minimascope::core
