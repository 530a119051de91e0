#include "landscape/WeightScaling.h"

#include "common/InputError.h"

#include <ATen/ATen.h>

#include <cmath>
#include <string>

namespace minimascope::core {

SurfaceRequest weightScaleRequest(const at::Tensor& theta, int64_t n, double alphaMin, double alphaMax)
{
    if (!theta.defined() || theta.numel() == 0)
        throw InputError("weight-scale curve: no parameters to scale");
    if (n < 2 || !(alphaMin < alphaMax))
        throw InputError("weight-scale curve: needs at least 2 points over a range alphaMin < alphaMax, got "
                         + std::to_string(n) + " points over [" + std::to_string(alphaMin) + ", "
                         + std::to_string(alphaMax) + "]");
    SurfaceRequest request;
    // Origin 0, not theta: the grid's alpha is then the multiplier itself, and alpha = 1 is theta.
    request.origin = at::zeros_like(theta);
    request.direction1 = theta.clone();
    request.xMin = alphaMin;
    request.xMax = alphaMax;
    request.nx = n;
    request.ny = 1;
    return request;
}

size_t lowestPoint(const std::vector<double>& losses)
{
    size_t lowest = losses.size();
    for (size_t i = 0; i < losses.size(); ++i)
        if (!std::isnan(losses[i]) && (lowest == losses.size() || losses[i] < losses[lowest]))
            lowest = i;
    return lowest;
}

}   // namespace minimascope::core
