#pragma once
// Im, Tao & Branson (2016)'s surfaces between trained solutions, as SurfaceRequests over [0,1]^2
// (resolution n x n, not progressive-specific: the caller may change any field afterwards):
//   barycentric (three solutions): L(theta0 + alpha (theta1 - theta0) + beta (theta2 - theta0)) on
//     the triangle alpha, beta >= 0, alpha + beta <= 1; grid points outside it stay NaN. The
//     corners (0,0), (1,0), (0,1) are theta0, theta1, theta2.
//   bilinear (four solutions): L((1-a)(1-b) theta00 + a(1-b) theta10 + (1-a) b theta01 + a b theta11)
//     = L(theta00 + a (theta10 - theta00) + b (theta01 - theta00) + a b (theta11 - theta10 - theta01 + theta00)),
//     i.e. the plane plus evaluateSurface's alpha*beta term; corners are the four solutions.
// Pure functions (flat vectors laid out like FlatParameters::values()). Vectors of different
// sizes throw InputError.
#include "landscape/LossSurface.h"

namespace minimascope::core {

SurfaceRequest barycentricRequest(const at::Tensor& theta0, const at::Tensor& theta1, const at::Tensor& theta2,
                                  int64_t n);

SurfaceRequest bilinearRequest(const at::Tensor& theta00, const at::Tensor& theta10, const at::Tensor& theta01,
                               const at::Tensor& theta11, int64_t n);

}   // namespace minimascope::core
