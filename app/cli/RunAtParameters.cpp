#include "RunAtParameters.h"

#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "data/DatasetTransforms.h"
#include "models/FlatParameters.h"
#include "models/ModelSpec.h"
#include "models/Network.h"

namespace minimascope::cli {

RunAtParameters::RunAtParameters() = default;
RunAtParameters::RunAtParameters(RunAtParameters&&) noexcept = default;
RunAtParameters::~RunAtParameters() = default;

RunAtParameters openRunAtParameters(const std::string& runDir, const std::string& parametersDir,
                                    const std::string& split, int64_t subset)
{
    RunAtParameters r;
    r.run = core::readRunFolderInfo(runDir);
    r.config = core::readRunConfig(r.run);
    r.data = core::loadDatasets(r.config.dataset);
    const core::Dataset& examples = split == "test" ? r.data.test : r.data.train;
    if (examples.size() == 0)
        throw core::InputError(runDir + ": the run's data set has no " + split + " split");
    r.examples = subset > 0 ? core::takeFirst(examples, subset) : examples;
    r.network = core::buildModel(r.config.model, r.data.train, r.config.seed);
    r.parametersDir = parametersDir.empty() ? core::finalParametersDir(r.run) : parametersDir;
    core::loadNetworkTensors(r.parametersDir, *r.network, core::expectedRunIdFor(r.run, r.parametersDir));
    r.parameters = std::make_unique<core::FlatParameters>(*r.network);
    core::requireFiniteParameters(*r.parameters, r.parametersDir);
    return r;
}

}   // namespace minimascope::cli
