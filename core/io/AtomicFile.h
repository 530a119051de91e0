#pragma once
// Writes a whole file or nothing: the content goes to "<path>.tmp-XXXX" beside the target,
// is flushed, and is renamed over the target only when every byte was written. An
// unwritable directory or a full disk throws InputError naming the path and the reason, and
// leaves no partial file behind.
#include <string>
#include <string_view>

namespace minimascope::core {

void writeFileAtomically(const std::string& path, std::string_view content);

// Creates the directory and its parents; throws InputError naming it when that fails or when
// the path exists and is not a directory.
void ensureDirectory(const std::string& path);

// The whole content of a file; throws InputError naming the file when it cannot be read.
std::string readWholeFile(const std::string& path);

} // namespace minimascope::core
