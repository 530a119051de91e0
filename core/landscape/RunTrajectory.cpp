#include "landscape/RunTrajectory.h"

#include "common/InputError.h"
#include "landscape/BatchNormStatistics.h"
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
    const std::string runId = readRunFolderInfo(runDir).runId;
    // Snapshots carry BatchNorm statistics too: the network's own are put back with its
    // parameters, however the loading ends.
    const ParameterRestorer restoreParameters(parameters);
    const BatchNormBuffers restoreBuffers(network);
    RunSnapshots snapshots;
    for (const auto& [iteration, dir] : found) {
        loadNetworkTensors(dir, network, runId);
        snapshots.iterations.push_back(iteration);
        snapshots.parameters.push_back(parameters.get());
    }
    return snapshots;
}

} // namespace minimascope::core
