#pragma once
// A folder of named tensors that Python reads without MinimaScope: one .npy per tensor and
// an "index.json" listing, in order, each entry's name, file, shape, dtype and kind
// ("parameter" or "buffer"). Used for a model's parameters and for trajectory snapshots.
// Errors: unwritable folders, missing files and shape or name mismatches throw InputError.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace minimascope::core {

struct NamedTensor {
    std::string name;   // e.g. "layers.0.weight"
    std::string kind;   // "parameter" or "buffer"
    at::Tensor value;
};

// runId, when given, is written into index.json ("run_id"), and readTensorFolder then refuses
// a folder whose index names another run (or none): a run folder never mixes two runs' tensors.
void writeTensorFolder(const std::string& dir, const std::vector<NamedTensor>& tensors, const std::string& runId = {});
std::vector<NamedTensor> readTensorFolder(const std::string& dir, const std::string& expectedRunId = {});

}   // namespace minimascope::core
