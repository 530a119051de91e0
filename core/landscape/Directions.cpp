#include "landscape/Directions.h"

#include "common/InputError.h"
#include "models/FlatParameters.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <stdexcept>

namespace minimascope::core {

namespace {

void checkSameSize(const at::Tensor& a, const at::Tensor& b, const char* what)
{
    if (!a.defined() || !b.defined() || a.numel() != b.numel())
        throw std::invalid_argument(std::string(what) + ": vectors of different sizes");
}

// Rescales each row of `d` (a parameter shaped [rows, ...]) to the norm of the matching row of
// `theta`. A zero row of d stays zero rather than becoming NaN.
void normalizeRows(at::Tensor d, const at::Tensor& theta)
{
    const at::Tensor rows = d.reshape({d.size(0), -1});
    const at::Tensor dNorm = rows.norm(2, {1}, /*keepdim=*/true);
    const at::Tensor thetaNorm = theta.reshape({theta.size(0), -1}).norm(2, {1}, /*keepdim=*/true);
    const at::Tensor scale = at::where(dNorm > 0, thetaNorm / dNorm, at::zeros_like(dNorm));
    d.copy_((rows * scale).view_as(d));
}

}   // namespace

DirectionNormalization parseDirectionNormalization(const std::string& name)
{
    if (name == "filter")
        return DirectionNormalization::Filter;
    if (name == "layer")
        return DirectionNormalization::Layer;
    if (name == "none")
        return DirectionNormalization::None;
    throw InputError("unknown direction normalization '" + name + "' (expected filter, layer or none)");
}

const char* toString(DirectionNormalization normalization)
{
    switch (normalization) {
    case DirectionNormalization::Filter: return "filter";
    case DirectionNormalization::Layer: return "layer";
    case DirectionNormalization::None: return "none";
    }
    return "none";
}

at::Tensor normalizeDirection(const FlatParameters& layout, const at::Tensor& reference, const at::Tensor& direction,
                              DirectionNormalization normalization, bool ignoreBiasAndBatchNorm)
{
    checkSameSize(reference, direction, "normalizeDirection");
    if (reference.numel() != layout.size())
        throw std::invalid_argument("normalizeDirection: the reference does not match the parameter layout");
    at::NoGradGuard noGrad;
    at::Tensor result = direction.detach().reshape({-1}).to(reference.scalar_type()).clone();
    for (size_t k = 0; k < layout.slices().size(); ++k) {
        at::Tensor d = layout.slice(result, k);
        const at::Tensor theta = layout.slice(reference, k);
        if (d.dim() <= 1) {
            // Biases and BatchNorm scales/shifts have no filters (Li et al.'s "biasbn" rule).
            if (ignoreBiasAndBatchNorm)
                d.zero_();
            else if (normalization != DirectionNormalization::None)
                d.copy_(theta);
            continue;
        }
        if (normalization == DirectionNormalization::Filter) {
            normalizeRows(d, theta);
        } else if (normalization == DirectionNormalization::Layer) {
            const double dNorm = d.norm().item<double>();
            d.mul_(dNorm > 0 ? theta.norm().item<double>() / dNorm : 0.0);
        }
    }
    return result;
}

at::Tensor randomDirection(const FlatParameters& parameters, DirectionNormalization normalization,
                           bool ignoreBiasAndBatchNorm, uint64_t seed)
{
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor& values = parameters.values();
    const at::Tensor gaussian = at::randn({values.numel()}, generator, values.options().requires_grad(false));
    return normalizeDirection(parameters, values.detach(), gaussian, normalization, ignoreBiasAndBatchNorm);
}

at::Tensor parameterDifference(const at::Tensor& from, const at::Tensor& to)
{
    checkSameSize(from, to, "parameterDifference");
    return (to.detach().reshape({-1}) - from.detach().reshape({-1}));
}

at::Tensor orthogonalizeAgainst(const at::Tensor& first, const at::Tensor& second)
{
    checkSameSize(first, second, "orthogonalizeAgainst");
    const at::Tensor a = first.detach().reshape({-1}).to(at::kDouble);
    const at::Tensor b = second.detach().reshape({-1}).to(at::kDouble);
    const double aa = a.dot(a).item<double>();
    const double bNorm = b.norm().item<double>();
    if (aa == 0.0)
        return second.detach().reshape({-1}).clone();
    const at::Tensor rest = b - a * (a.dot(b).item<double>() / aa);
    const double restNorm = rest.norm().item<double>();
    // Relative to |b|: below this the pair spans only a line in float32.
    constexpr double kParallelTolerance = 1e-6;
    if (restNorm <= kParallelTolerance * bNorm)
        throw std::invalid_argument("orthogonalizeAgainst: the two directions are parallel");
    return (rest * (bNorm / restNorm)).to(second.scalar_type());
}

DirectionReport describeDirections(const at::Tensor& first, const at::Tensor& second)
{
    DirectionReport report;
    const at::Tensor a = first.detach().reshape({-1}).to(at::kDouble);
    report.norm1 = a.norm().item<double>();
    if (!second.defined())
        return report;
    checkSameSize(first, second, "describeDirections");
    const at::Tensor b = second.detach().reshape({-1}).to(at::kDouble);
    report.norm2 = b.norm().item<double>();
    const double denominator = report.norm1 * report.norm2;
    report.cosine = denominator > 0 ? a.dot(b).item<double>() / denominator : 0.0;
    return report;
}

}   // namespace minimascope::core
