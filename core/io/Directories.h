#pragma once
// Folder-level operations that run folders need to survive a full disk or a kill -9.
// Errors throw InputError naming the path.
#include <cstdint>
#include <functional>
#include <string>

namespace minimascope::core {

// Replaces the folder `path` as a unit: `fill` writes the new content into a fresh temporary
// folder "<path>.tmp-<pid>-<n>" beside it, which then takes the old folder's place in one
// rename (an atomic exchange when an old folder exists). If `fill` throws, or the process dies
// before the rename, `path` is left exactly as it was.
void replaceDirectoryAtomically(const std::string& path, const std::function<void(const std::string& tempDir)>& fill);

// Bytes a non-root writer can still put on the filesystem holding `path` (or its nearest
// existing parent); -1 when that cannot be told.
int64_t availableBytes(const std::string& path);

}   // namespace minimascope::core
