#pragma once
// NumPy's .npy format (version 1.0 header, C order, little-endian), so that numbers written
// here load with numpy.load and nothing else. Supported dtypes: float32 '<f4', float64 '<f8',
// int64 '<i8', int32 '<i4', uint8 '|u1'; 0-d to n-d arrays.
// Errors: a malformed or unsupported file throws InputError naming the file and the problem.
#include <ATen/core/Tensor.h>

#include <string>

namespace minimascope::core {

// Serializes a tensor (made contiguous) as the bytes of a .npy file.
std::string encodeNpy(const at::Tensor& tensor);
// Parses .npy bytes; `source` names the file in error messages.
at::Tensor decodeNpy(const std::string& bytes, const std::string& source);

// Atomic write (see AtomicFile.h) and whole-file read.
void writeNpy(const std::string& path, const at::Tensor& tensor);
at::Tensor readNpy(const std::string& path);

}   // namespace minimascope::core
