#pragma once
// NumPy's .npz archives (numpy.savez and numpy.savez_compressed): a zip file of .npy members,
// stored or deflated, zip64 extensions included. Each member is parsed by io/Npy.h, so the same
// dtypes are supported (float32, float64, int64, int32, uint8).
// Errors: a file that is not a zip archive, a member compressed any other way, a truncated or
// corrupt member, or a bad .npy inside throw InputError naming the file (and the member).
#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace minimascope::core {

// The arrays of the archive by name, without the ".npy" suffix ("X", "y", ...).
std::map<std::string, at::Tensor> readNpz(const std::string& path);

}   // namespace minimascope::core
