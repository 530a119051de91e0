#include "landscape/ConvexityMap.h"

#include "analysis/CurvatureReport.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "models/FlatParameters.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

namespace minimascope::core {

RunStatus convexityMap(Network& network, FlatParameters& parameters, const Dataset& data, const SurfaceRequest& request,
                       ConvexityGrid& out, double tolerance, const CancelToken* cancel)
{
    if (!request.origin.defined() || !request.direction1.defined() || !request.direction2.defined()
        || request.origin.numel() != parameters.size() || request.direction1.numel() != parameters.size()
        || request.direction2.numel() != parameters.size() || request.nx < 1 || request.ny < 1)
        throw InputError("convexity map: origin and both directions must have " + std::to_string(parameters.size())
                         + " values, and the grid at least one point a side");
    const auto axis = [](double lo, double hi, int64_t n) {
        std::vector<double> values;
        for (int64_t i = 0; i < n; ++i)
            values.push_back(n == 1 ? lo : lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1));
        return values;
    };
    out.xs = axis(request.xMin, request.xMax, request.nx);
    out.ys = axis(request.yMin, request.yMax, request.ny);
    const size_t total = out.xs.size() * out.ys.size();
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    out.ratio.assign(total, kNaN);
    out.lambdaMin.assign(total, kNaN);
    out.lambdaMax.assign(total, kNaN);

    const ParameterRestorer restorer(parameters);   // however the scan ends
    CurvatureRequest curvature;
    curvature.nonUniformity = false;
    curvature.lambdaMin = true;
    curvature.tolerance = tolerance;
    RunStatus status = RunStatus::Finished;
    for (size_t j = 0; j < out.ys.size() && status == RunStatus::Finished; ++j)
        for (size_t i = 0; i < out.xs.size(); ++i) {
            if (cancel && cancel->isCancelled()) {
                status = RunStatus::Cancelled;
                break;
            }
            at::Tensor point = at::add(request.origin, request.direction1, out.xs[i]);
            point.add_(request.direction2, out.ys[j]);
            parameters.set(point);
            const CurvatureReport report = measureCurvature(network, parameters, data, curvature, cancel);
            if (report.status == RunStatus::Cancelled || report.topEigenvalues.empty() || !report.lambdaMin) {
                status = RunStatus::Cancelled;
                break;
            }
            const size_t k = out.index(i, j);
            out.lambdaMax[k] = report.topEigenvalues.front().value;
            out.lambdaMin[k] = report.lambdaMin->value;
            out.ratio[k] = std::abs(out.lambdaMin[k] / out.lambdaMax[k]);
        }
    return status;
}

}   // namespace minimascope::core
