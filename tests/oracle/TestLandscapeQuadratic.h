#pragma once
// Test helpers shared by the landscape oracle suites: a model whose loss is a known quadratic
// f(theta) = 1/2 (theta - c)^T A (theta - c) with A's eigenpairs chosen, the one-example data set
// it is evaluated on, and the tolerances of double and float evaluations.
#include "data/Dataset.h"
#include "models/Network.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace minimascope::testing {

using namespace minimascope::core;

// Double-precision evaluations of a 6-parameter quadratic agree with the closed form to rounding.
inline constexpr double kDoubleTolerance = 1e-12;
// Float32 norms and products of a few hundred terms: relative rounding.
inline constexpr double kFloatTolerance = 1e-5;

// f(theta) = 1/2 (theta - c)^T A (theta - c) with A = Q diag(lambda) Q^T; a DirectLoss model
// whose output for every example is that loss.
class QuadraticModel : public Network {
public:
    QuadraticModel(const at::Tensor& start, const at::Tensor& centre, const at::Tensor& matrix)
        : m_centre(centre), m_matrix(matrix)
    {
        m_theta = register_parameter("theta", start.clone());
    }
    at::Tensor forward(const at::Tensor& input) override
    {
        const at::Tensor d = m_theta - m_centre;
        return (0.5 * d.dot(m_matrix.mv(d))).expand({input.size(0)});
    }
    std::string describe() const override { return "quadratic"; }

private:
    at::Tensor m_theta, m_centre, m_matrix;
};

struct Quadratic {
    at::Tensor eigenvectors;   // columns
    std::vector<double> eigenvalues{5.0, 2.0, 0.5, -1.0, 0.25, 3.0};
    at::Tensor matrix;
    at::Tensor centre;
};

inline Quadratic makeQuadratic()
{
    Quadratic q;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(7);
    const auto p = static_cast<int64_t>(q.eigenvalues.size());
    q.eigenvectors = std::get<0>(at::linalg_qr(at::randn({p, p}, generator, at::kDouble)));
    const at::Tensor lambda = at::tensor(q.eigenvalues, at::kDouble);
    q.matrix = q.eigenvectors.mm(at::diag(lambda)).mm(q.eigenvectors.t());
    q.centre = at::randn({p}, generator, at::kDouble);
    return q;
}

inline Dataset oneExample()
{
    Dataset data;
    data.name = "constant";
    data.task = Task::DirectLoss;
    data.inputs = at::zeros({1, 1});
    data.targets = at::zeros({1});
    data.inputShape = {1};
    return data;
}

inline double relativeError(double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); }

}   // namespace minimascope::testing
