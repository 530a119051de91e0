#pragma once
// Elementwise nonlinearities the models offer, shared by the modules and by the hand-written
// MLP backward pass so that both use exactly the same function.
#include <ATen/core/Tensor.h>

#include <string>

namespace minimascope::core {

enum class Activation { Relu, Tanh, Gelu };

// "relu", "tanh", "gelu"; throws InputError for anything else.
Activation parseActivation(const std::string& name);
const char* toString(Activation activation);

at::Tensor applyActivation(Activation activation, const at::Tensor& z);
// d activation(z) / dz times the incoming gradient; `output` is activation(z).
at::Tensor activationBackward(Activation activation, const at::Tensor& grad, const at::Tensor& z,
                              const at::Tensor& output);

}   // namespace minimascope::core
