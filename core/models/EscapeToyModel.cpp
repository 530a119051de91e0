#include "models/EscapeToyModel.h"

#include <ATen/ATen.h>

namespace minimascope::core {

EscapeToyModel::EscapeToyModel(double x0) { m_x = register_parameter("x", at::full({1}, x0, at::kFloat)); }

at::Tensor EscapeToyModel::forward(const at::Tensor& input)
{
    const at::Tensor c = input.reshape({-1});
    return at::minimum(m_x * m_x, c * (m_x - 1) * (m_x - 1));
}

std::string EscapeToyModel::describe() const
{
    return "escape toy f(x) = min{x^2, c(x-1)^2}, x = " + std::to_string(position());
}

double EscapeToyModel::position() const { return m_x.item<double>(); }

}   // namespace minimascope::core
