#pragma once
// What landscape and asymmetry start from: a run folder's validated config, its data set (the
// chosen split, optionally its first N examples) and its network holding the chosen parameters
// (default: the final ones; files of another run refused, and non-finite ones: nothing measured
// at a diverged run's parameters means anything). Throws InputError naming the folder.
#include "data/Dataset.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"

#include <memory>
#include <string>

namespace minimascope::core {
class FlatParameters;
class Network;
}

namespace minimascope::cli {

struct RunAtParameters {
    core::RunFolderInfo run;
    core::RunConfig config;
    core::DatasetPair data;
    core::Dataset examples;   // the split, cut to `subset` examples when asked
    std::shared_ptr<core::Network> network;
    std::unique_ptr<core::FlatParameters> parameters;   // the network's, as one vector
    std::string parametersDir;

    RunAtParameters();
    RunAtParameters(RunAtParameters&&) noexcept;
    ~RunAtParameters();
};

// split: "train" or "test"; subset: first N examples, 0 = all; parametersDir: empty = the final ones.
RunAtParameters openRunAtParameters(const std::string& runDir, const std::string& parametersDir,
                                    const std::string& split, int64_t subset);

}   // namespace minimascope::cli
