#pragma once
// What to build: the "model" section of a run config, already validated. buildModel() turns
// it into a network sized for a data set, with every parameter drawn from `seed` so that the
// same spec and seed give bit-identical weights.
#include "models/Activation.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace minimascope::core {

class Network;
struct Dataset;

struct ModelSpec {
    // "mlp", "lenet5", "vgg", "resnet", "escape-toy" or "torchscript" (models/TorchScriptModel.h).
    std::string kind = "mlp";
    std::vector<int64_t> widths{256, 256, 256, 256};   // mlp hidden widths; vgg/resnet channels
    Activation activation = Activation::Relu;
    bool batchNorm = false;
    bool skipConnections = true;     // resnet
    int64_t blocksPerStage = 1;      // resnet
    int64_t hidden = 128;            // vgg fully connected width
    double initialPosition = 0.99;   // escape-toy x0
    std::string path;                // torchscript: the saved module (.pt)
};

// Named presets: "mlp-256x4" (784-256x4-10, Ma & Ying's follow-up), "mlp-500x3"
// (784-500x3-10, 898,510 parameters, Wu, Ma & E), "lenet5", "vgg-small", "resnet-small",
// "resnet-small-noskip", "escape-toy". Throws InputError listing the names for an unknown one.
ModelSpec modelPreset(const std::string& name);
std::vector<std::string> modelPresetNames();

// Throws InputError when the model does not fit the data set (a CNN on 2D points, the escape
// toy model on anything but the escape toy data, a TorchScript module with the wrong output size).
// A TorchScript model starts from the weights saved in its file; `seed` is not used for it.
std::shared_ptr<Network> buildModel(const ModelSpec& spec, const Dataset& data, uint64_t seed);

}   // namespace minimascope::core
