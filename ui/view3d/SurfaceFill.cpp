#include "SurfaceFill.h"

#include "SurfaceData.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {
namespace {

// Fills the NaN entries of a strided line of `count` values by linear interpolation between
// the known entries, constant beyond the first and last; leaves an all-NaN line as it is.
void fillLine(double* values, const double* coords, int count, int stride)
{
    int previous = -1;
    for (int k = 0; k < count; ++k) {
        if (std::isnan(values[k * stride]))
            continue;
        if (previous < 0) {
            for (int m = 0; m < k; ++m)
                values[m * stride] = values[k * stride];
        } else {
            const double span = coords[k] - coords[previous];
            for (int m = previous + 1; m < k; ++m) {
                const double t = (coords[m] - coords[previous]) / span;
                values[m * stride] = (1.0 - t) * values[previous * stride] + t * values[k * stride];
            }
        }
        previous = k;
    }
    if (previous >= 0) {
        for (int m = previous + 1; m < count; ++m)
            values[m * stride] = values[previous * stride];
    }
}

}   // namespace

std::vector<double> fillMissingValues(const SurfaceData& data)
{
    std::vector<double> values = data.values;
    // A diverged evaluation gives an infinite loss: drawn at the edge of the finite range.
    double lowest = std::numeric_limits<double>::infinity();
    double highest = -std::numeric_limits<double>::infinity();
    for (double v : values) {
        if (std::isfinite(v)) {
            lowest = std::min(lowest, v);
            highest = std::max(highest, v);
        }
    }
    for (double& v : values) {
        if (std::isinf(v))
            v = highest >= lowest ? (v > 0 ? highest : lowest) : std::numeric_limits<double>::quiet_NaN();
    }
    const int nx = data.nx();
    const int ny = data.ny();
    for (int j = 0; j < ny; ++j)
        fillLine(values.data() + static_cast<size_t>(j) * nx, data.xs.data(), nx, 1);
    // After the rows, a column is NaN exactly in the rows that had no computed point.
    for (int i = 0; i < nx; ++i)
        fillLine(values.data() + i, data.ys.data(), ny, nx);
    return values;
}

double interpolateFilled(const SurfaceData& grid, const std::vector<double>& values, double x, double y)
{
    const auto locate = [](const std::vector<double>& axis, double t, int& cell, double& weight) {
        t = std::clamp(t, axis.front(), axis.back());
        const auto upper = std::upper_bound(axis.begin(), axis.end(), t);
        cell = std::clamp(static_cast<int>(upper - axis.begin()) - 1, 0, static_cast<int>(axis.size()) - 2);
        weight = (t - axis[cell]) / (axis[cell + 1] - axis[cell]);
    };
    int i = 0;
    int j = 0;
    double wx = 0.0;
    double wy = 0.0;
    locate(grid.xs, x, i, wx);
    locate(grid.ys, y, j, wy);
    const auto at = [&](int a, int b) { return values[static_cast<size_t>(b) * grid.xs.size() + a]; };
    return (1 - wy) * ((1 - wx) * at(i, j) + wx * at(i + 1, j))
           + wy * ((1 - wx) * at(i, j + 1) + wx * at(i + 1, j + 1));
}

}   // namespace minimascope::ui
