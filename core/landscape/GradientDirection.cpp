#include "landscape/GradientDirection.h"

#include "analysis/AutogradCurvature.h"
#include "common/InputError.h"

#include <ATen/ATen.h>

namespace minimascope::core {

at::Tensor gradientDirection(Network& network, FlatParameters& parameters, const Dataset& data,
                             const CancelToken* cancel)
{
    AutogradCurvature curvature(network, parameters, data, cancel);
    const at::Tensor gradient = curvature.lossAndGradient().gradient;
    if (!gradient.defined())
        return {};
    const double norm = gradient.norm().item<double>();
    if (norm == 0.0)
        throw InputError("gradient direction: the gradient is exactly zero here, so it has no direction");
    return gradient / norm;
}

}   // namespace minimascope::core
