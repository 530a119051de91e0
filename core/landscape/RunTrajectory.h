#pragma once
// The snapshots a training run saved (RUN/snapshots/iter_NNNNNNNN/, see RunFolder.h) as flat
// parameter vectors, in iteration order, for trajectory PCA and the projected path.
// Loads each snapshot through the network (so names and shapes are checked) and puts the
// network's parameters back afterwards. Not thread-safe (uses the network).
// Errors: a missing snapshots folder, or a snapshot that does not fit the network, throw
// InputError naming the folder.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace minimascope::core {

class FlatParameters;
class Network;

struct RunSnapshots {
    std::vector<int64_t> iterations;
    std::vector<at::Tensor> parameters;   // flat, like FlatParameters::values()
};

RunSnapshots loadRunSnapshots(const std::string& runDir, Network& network, FlatParameters& parameters);

}   // namespace minimascope::core
