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
    const std::vector<SnapshotFolder> found = listSnapshots(runDir);
    const std::string runId = readRunFolderInfo(runDir).runId;
    // Snapshots carry BatchNorm statistics too: the network's own are put back with its
    // parameters, however the loading ends.
    const ParameterRestorer restoreParameters(parameters);
    const BatchNormBuffers restoreBuffers(network);
    RunSnapshots snapshots;
    for (const SnapshotFolder& snapshot : found) {
        loadNetworkTensors(snapshot.dir, network, runId);
        snapshots.iterations.push_back(snapshot.iteration);
        snapshots.parameters.push_back(parameters.get());
    }
    return snapshots;
}

}   // namespace minimascope::core
