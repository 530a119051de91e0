#include "landscape/InterpolationSurfaces.h"

#include "common/InputError.h"

#include <ATen/ATen.h>

#include <initializer_list>
#include <string>

namespace minimascope::core {

namespace {

void requireSameSize(std::initializer_list<const at::Tensor*> solutions)
{
    const int64_t size = (*solutions.begin())->numel();
    for (const at::Tensor* solution : solutions)
        if (!solution->defined() || solution->numel() != size)
            throw InputError("interpolation surface: the solutions must have the same number of parameters ("
                             + std::to_string(size) + ")");
}

SurfaceRequest unitSquare(const at::Tensor& origin, int64_t n)
{
    SurfaceRequest request;
    request.origin = origin;
    request.xMin = request.yMin = 0.0;
    request.xMax = request.yMax = 1.0;
    request.nx = request.ny = n;
    return request;
}

}   // namespace

SurfaceRequest barycentricRequest(const at::Tensor& theta0, const at::Tensor& theta1, const at::Tensor& theta2,
                                  int64_t n)
{
    requireSameSize({&theta0, &theta1, &theta2});
    SurfaceRequest request = unitSquare(theta0, n);
    request.direction1 = theta1 - theta0;
    request.direction2 = theta2 - theta0;
    request.triangle = true;
    return request;
}

SurfaceRequest bilinearRequest(const at::Tensor& theta00, const at::Tensor& theta10, const at::Tensor& theta01,
                               const at::Tensor& theta11, int64_t n)
{
    requireSameSize({&theta00, &theta10, &theta01, &theta11});
    SurfaceRequest request = unitSquare(theta00, n);
    request.direction1 = theta10 - theta00;
    request.direction2 = theta01 - theta00;
    request.crossDirection = theta11 - theta10 - theta01 + theta00;
    return request;
}

}   // namespace minimascope::core
