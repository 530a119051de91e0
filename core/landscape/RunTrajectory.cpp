#include "landscape/RunTrajectory.h"

#include "common/InputError.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/RunFolder.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <filesystem>

namespace minimascope::core {

RunSnapshots loadRunSnapshots(const std::string& runDir, Network& network, FlatParameters& parameters)
{
    namespace fs = std::filesystem;
    const fs::path folder = fs::path(runDir) / "snapshots";
    if (!fs::is_directory(folder))
        throw InputError(folder.string() + ": no snapshots folder (train with --snapshot-every K)");
    std::vector<std::pair<int64_t, std::string>> found;
    const std::string prefix = "iter_";
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && name.rfind(prefix, 0) == 0 &&
            name.find_first_not_of("0123456789", prefix.size()) == std::string::npos && name.size() > prefix.size())
            found.emplace_back(std::stoll(name.substr(prefix.size())), entry.path().string());
    }
    std::sort(found.begin(), found.end());
    // Snapshots carry BatchNorm statistics too: keep the network's own to put back.
    const at::Tensor saved = parameters.get();
    std::vector<at::Tensor> savedBuffers;
    for (const at::Tensor& buffer : network.buffers())
        savedBuffers.push_back(buffer.clone());
    const auto restore = [&] {
        at::NoGradGuard noGrad;
        parameters.set(saved);
        const std::vector<at::Tensor> buffers = network.buffers();
        for (size_t k = 0; k < buffers.size(); ++k)
            buffers[k].copy_(savedBuffers[k]);
    };
    RunSnapshots snapshots;
    try {
        for (const auto& [iteration, dir] : found) {
            loadNetworkTensors(dir, network);
            snapshots.iterations.push_back(iteration);
            snapshots.parameters.push_back(parameters.get());
        }
    } catch (...) {
        restore();
        throw;
    }
    restore();
    return snapshots;
}

} // namespace minimascope::core
