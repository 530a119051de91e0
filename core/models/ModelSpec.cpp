#include "models/ModelSpec.h"

#include "common/InputError.h"
#include "data/Dataset.h"
#include "io/StrictJson.h"
#include "models/EscapeToyModel.h"
#include "models/LeNet5.h"
#include "models/Mlp.h"
#include "models/SeededInit.h"
#include "models/SmallResNet.h"
#include "models/SmallVgg.h"
#include "models/TorchScriptModel.h"

#include <functional>
#include <map>
#include <numeric>

namespace minimascope::core {

namespace {

const std::map<std::string, std::function<ModelSpec()>>& presets()
{
    static const std::map<std::string, std::function<ModelSpec()>> table{
        {"mlp-256x4", [] { return ModelSpec{}; }},
        {"mlp-500x3",
         [] {
             ModelSpec s;
             s.widths = {500, 500, 500};
             return s;
         }},
        {"lenet5",
         [] {
             ModelSpec s;
             s.kind = "lenet5";
             s.widths = {};
             return s;
         }},
        {"vgg-small",
         [] {
             ModelSpec s;
             s.kind = "vgg";
             s.widths = {16, 32};
             return s;
         }},
        {"resnet-small",
         [] {
             ModelSpec s;
             s.kind = "resnet";
             s.widths = {16, 32, 64};
             s.batchNorm = true;
             return s;
         }},
        {"resnet-small-noskip",
         [] {
             ModelSpec s;
             s.kind = "resnet";
             s.widths = {16, 32, 64};
             s.batchNorm = true;
             s.skipConnections = false;
             return s;
         }},
        {"escape-toy",
         [] {
             ModelSpec s;
             s.kind = "escape-toy";
             s.widths = {};
             return s;
         }},
    };
    return table;
}

}   // namespace

std::vector<std::string> modelPresetNames()
{
    std::vector<std::string> names;
    for (const auto& entry : presets())
        names.push_back(entry.first);
    return names;
}

ModelSpec modelPreset(const std::string& name)
{
    const auto it = presets().find(name);
    if (it == presets().end()) {
        const auto names = modelPresetNames();
        std::string list = std::accumulate(std::next(names.begin()), names.end(), names.front(),
                                           [](std::string a, const std::string& b) { return a + ", " + b; });
        throw InputError("unknown model preset '" + excerptForMessage(name) + "' (known: " + list + ")");
    }
    return it->second();
}

std::shared_ptr<Network> buildModel(const ModelSpec& spec, const Dataset& data, uint64_t seed)
{
    const bool toyData = data.task == Task::DirectLoss;
    if ((spec.kind == "escape-toy") != toyData)
        throw InputError(toyData ? "the escape-toy data set needs model 'escape-toy'"
                                 : "model 'escape-toy' works only on the escape-toy data set");
    std::shared_ptr<Network> model;
    const int64_t outputs = data.outputCount();
    if (spec.kind == "mlp") {
        MlpOptions options;
        options.inputs = std::accumulate(data.inputShape.begin(), data.inputShape.end(), int64_t{1},
                                         std::multiplies<>());
        options.hiddenWidths = spec.widths;
        options.outputs = outputs;
        options.activation = spec.activation;
        options.batchNorm = spec.batchNorm;
        model = std::make_shared<Mlp>(options);
    } else if (spec.kind == "lenet5") {
        model = std::make_shared<LeNet5>(data.inputShape, outputs, spec.activation);
    } else if (spec.kind == "vgg") {
        SmallVggOptions options;
        options.channels = spec.widths;
        options.hidden = spec.hidden;
        options.batchNorm = spec.batchNorm;
        options.activation = spec.activation;
        model = std::make_shared<SmallVgg>(data.inputShape, outputs, options);
    } else if (spec.kind == "resnet") {
        SmallResNetOptions options;
        options.channels = spec.widths;
        options.blocksPerStage = spec.blocksPerStage;
        options.skipConnections = spec.skipConnections;
        options.batchNorm = spec.batchNorm;
        model = std::make_shared<SmallResNet>(data.inputShape, outputs, options);
    } else if (spec.kind == "escape-toy") {
        return std::make_shared<EscapeToyModel>(spec.initialPosition);
    } else if (spec.kind == "torchscript") {
        return std::make_shared<TorchScriptModel>(spec.path, data);
    } else {
        throw InputError("unknown model kind '" + spec.kind
                         + "' (expected mlp, lenet5, vgg, resnet, escape-toy or torchscript)");
    }
    initializeParameters(*model, seed);
    return model;
}

}   // namespace minimascope::core
