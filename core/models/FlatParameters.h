#pragma once
// The flat-parameter view of a network: after construction every parameter of the module is
// a view into one contiguous vector, and every parameter's gradient a view into a second one.
// Optimizers then update all weights with one operation, and analysis code reads and writes
// the whole parameter vector (or one layer's slice) without copies.
// The view lives as long as the module keeps these tensors; re-registering or replacing a
// parameter of the module afterwards breaks it. Not thread-safe.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace minimascope::core {

struct ParameterSlice {
    std::string name;     // e.g. "linear0.weight"
    int64_t offset = 0;   // into the flat vector
    int64_t numel = 0;
    std::vector<int64_t> shape;
};

class FlatParameters {
public:
    // Copies the module's current parameters into the flat vector (values are unchanged).
    explicit FlatParameters(torch::nn::Module& module);

    // The live vectors: writing into values() changes the model.
    const at::Tensor& values() const { return m_values; }
    const at::Tensor& gradients() const { return m_gradients; }
    int64_t size() const { return m_values.numel(); }

    // A copy of the parameters, and setting them all from a vector of size() elements
    // (throws std::invalid_argument on a size mismatch).
    at::Tensor get() const;
    void set(const at::Tensor& vector);

    const std::vector<ParameterSlice>& slices() const { return m_slices; }
    // A view of one layer's parameters inside `vector` (values(), gradients() or any vector
    // of the same size), shaped like the parameter.
    at::Tensor slice(const at::Tensor& vector, size_t index) const;
    // The flat vector of one tensor per parameter, in slice order (what autograd's grad returns
    // for the module's parameters); an undefined one, a parameter the loss does not reach
    // (allow_unused), counts as zeros. Throws std::invalid_argument on a count or size mismatch.
    at::Tensor flatten(const std::vector<at::Tensor>& perParameter) const;

private:
    at::Tensor m_values;
    at::Tensor m_gradients;
    std::vector<ParameterSlice> m_slices;
};

// Throws InputError when a parameter is NaN or infinite (the parameters of a diverged run): no
// curvature or loss surface of them means anything. The message starts with `where` (the
// folder they came from) and names how many values and the first layer holding one.
void requireFiniteParameters(const FlatParameters& parameters, const std::string& where);

// Saves the parameters when constructed and puts them back when it goes out of scope, however
// the scope is left (return, cancel, exception): for computations that move the weights around.
class ParameterRestorer {
public:
    explicit ParameterRestorer(FlatParameters& parameters) : m_parameters(parameters), m_saved(parameters.get()) { }
    ~ParameterRestorer() { m_parameters.set(m_saved); }
    ParameterRestorer(const ParameterRestorer&) = delete;
    ParameterRestorer& operator=(const ParameterRestorer&) = delete;
    const at::Tensor& saved() const { return m_saved; }

private:
    FlatParameters& m_parameters;
    at::Tensor m_saved;
};

}   // namespace minimascope::core
