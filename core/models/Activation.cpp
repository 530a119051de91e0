#include "models/Activation.h"

#include "common/InputError.h"

#include <ATen/ATen.h>

namespace minimascope::core {

Activation parseActivation(const std::string& name)
{
    if (name == "relu")
        return Activation::Relu;
    if (name == "tanh")
        return Activation::Tanh;
    if (name == "gelu")
        return Activation::Gelu;
    throw InputError("unknown activation '" + name + "' (expected relu, tanh or gelu)");
}

const char* toString(Activation activation)
{
    switch (activation) {
    case Activation::Relu: return "relu";
    case Activation::Tanh: return "tanh";
    case Activation::Gelu: return "gelu";
    }
    return "relu";
}

at::Tensor applyActivation(Activation activation, const at::Tensor& z)
{
    switch (activation) {
    case Activation::Relu: return at::relu(z);
    case Activation::Tanh: return at::tanh(z);
    case Activation::Gelu: return at::gelu(z);
    }
    return z;
}

at::Tensor activationBackward(Activation activation, const at::Tensor& grad, const at::Tensor& z,
                              const at::Tensor& output)
{
    switch (activation) {
    case Activation::Relu: return at::threshold_backward(grad, output, 0);
    case Activation::Tanh: return at::tanh_backward(grad, output);
    case Activation::Gelu: return at::gelu_backward(grad, z);
    }
    return grad;
}

}   // namespace minimascope::core
