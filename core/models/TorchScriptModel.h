#pragma once
// A network saved in Python as TorchScript (torch.jit.script or torch.jit.trace, then .save),
// loaded with torch::jit::load. Its parameters and buffers are mirrored into this module under
// the names PyTorch gives them ("0.weight", "fc1.bias", ...) and share their storage with the
// script module, so the flat-parameter view, the optimizers and the run folders work on it as on
// any built-in network. It has no layer graph: curvature goes through autograd (double backward
// for H, the per-example loop for Sigma), which is general but slower than the R-operator.
// The module starts from the weights saved in the file. Its forward must take one tensor
// [batch, ...example shape] and return one tensor [batch, outputs].
// The constructor throws InputError naming the file when it is missing or not TorchScript, when
// the module has no parameters, or when its forward fails on the data set's examples or returns
// an output that does not match the data set's classes. Not thread-safe.
#include "models/Network.h"

#include <memory>
#include <string>

namespace minimascope::core {

struct Dataset;

class TorchScriptModel : public Network {
public:
    TorchScriptModel(const std::string& path, const Dataset& data);
    ~TorchScriptModel() override;

    at::Tensor forward(const at::Tensor& input) override;
    std::string describe() const override;
    // Switches the script module too (BatchNorm, Dropout inside it).
    void train(bool on = true) override;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_path;
};

}   // namespace minimascope::core
