#pragma once
// Writes a whole file or nothing: the content goes to "<path>.tmp-XXXX" beside the target,
// is flushed, and is renamed over the target only when every byte was written. An
// unwritable directory or a full disk throws InputError naming the path and the reason, and
// leaves no partial file behind.
#include <cstddef>
#include <string>
#include <string_view>

namespace minimascope::core {

void writeFileAtomically(const std::string& path, std::string_view content);

// Creates the directory and its parents; throws InputError naming it when that fails or when
// the path exists and is not a directory.
void ensureDirectory(const std::string& path);

// Text files (configs, index files, projects) are far smaller: a cap keeps /dev/zero, a FIFO
// that never ends or a mistaken multi-GB file from growing the process without bound.
constexpr std::size_t kMaxTextFileBytes = std::size_t{64} << 20;

// The whole content of a file; throws InputError naming the file when it cannot be read or
// holds more than `maxBytes` (checked before reading when the size is known, and while reading
// for devices and pipes).
std::string readWholeFile(const std::string& path, std::size_t maxBytes = kMaxTextFileBytes);

}   // namespace minimascope::core
