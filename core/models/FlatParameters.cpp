#include "models/FlatParameters.h"

#include "common/InputError.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <stdexcept>

namespace minimascope::core {

FlatParameters::FlatParameters(torch::nn::Module& module)
{
    at::NoGradGuard noGrad;
    const auto named = module.named_parameters(/*recurse=*/true);
    int64_t total = 0;
    at::ScalarType type = at::kFloat;
    for (const auto& item : named) {
        m_slices.push_back({item.key(), total, item.value().numel(), item.value().sizes().vec()});
        total += item.value().numel();
        type = item.value().scalar_type();
    }
    m_values = at::empty({total}, at::TensorOptions().dtype(type));
    m_gradients = at::zeros({total}, at::TensorOptions().dtype(type));
    // torch::optim optimizers built over the flat vector read its .grad.
    m_values.mutable_grad() = m_gradients;
    for (size_t i = 0; i < m_slices.size(); ++i) {
        at::Tensor parameter = named[i].value();
        at::Tensor view = slice(m_values, i);
        view.copy_(parameter);
        // set_data keeps the parameter the same autograd leaf but makes it share our storage.
        parameter.set_data(view);
        // Autograd accumulates into an existing .grad in place, so gradients land here.
        parameter.mutable_grad() = slice(m_gradients, i);
    }
}

at::Tensor FlatParameters::get() const { return m_values.clone(); }

at::Tensor FlatParameters::flatten(const std::vector<at::Tensor>& perParameter) const
{
    if (perParameter.size() != m_slices.size())
        throw std::invalid_argument("FlatParameters::flatten: expected " + std::to_string(m_slices.size())
                                    + " tensors, got " + std::to_string(perParameter.size()));
    std::vector<at::Tensor> parts;
    parts.reserve(perParameter.size());
    for (size_t i = 0; i < perParameter.size(); ++i) {
        const at::Tensor& part = perParameter[i];
        if (part.defined() && part.numel() != m_slices[i].numel)
            throw std::invalid_argument("FlatParameters::flatten: " + m_slices[i].name + " has "
                                        + std::to_string(m_slices[i].numel) + " values, got "
                                        + std::to_string(part.numel()));
        parts.push_back(part.defined() ? part.reshape({-1}) : at::zeros({m_slices[i].numel}, m_values.options()));
    }
    return parts.empty() ? at::zeros({0}, m_values.options()) : at::cat(parts);
}

void FlatParameters::set(const at::Tensor& vector)
{
    if (vector.numel() != m_values.numel())
        throw std::invalid_argument("FlatParameters::set: expected " + std::to_string(m_values.numel())
                                    + " values, got " + std::to_string(vector.numel()));
    at::NoGradGuard noGrad;
    m_values.copy_(vector.reshape({-1}));
}

at::Tensor FlatParameters::slice(const at::Tensor& vector, size_t index) const
{
    const ParameterSlice& s = m_slices.at(index);
    return vector.narrow(0, s.offset, s.numel).view(s.shape);
}

void requireFiniteParameters(const FlatParameters& parameters, const std::string& where)
{
    const at::Tensor finite = at::isfinite(parameters.values());
    const int64_t bad = parameters.size() - finite.sum().item<int64_t>();
    if (bad == 0)
        return;
    std::string layer;
    for (size_t i = 0; i < parameters.slices().size() && layer.empty(); ++i)
        if (!parameters.slice(finite, i).all().item<bool>())
            layer = parameters.slices()[i].name;
    throw InputError(where + ": " + std::to_string(bad) + " of " + std::to_string(parameters.size())
                     + " parameters are NaN or infinite (the first in " + layer
                     + "): the run diverged, so nothing measured on them would mean anything; use a snapshot "
                       "from before it diverged");
}

}   // namespace minimascope::core
