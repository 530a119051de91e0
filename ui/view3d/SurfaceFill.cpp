#include "SurfaceFill.h"

#include "SurfaceData.h"

#include <cmath>

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

} // namespace

std::vector<double> fillMissingValues(const SurfaceData& data)
{
    std::vector<double> values = data.values;
    const int nx = data.nx();
    const int ny = data.ny();
    for (int j = 0; j < ny; ++j)
        fillLine(values.data() + static_cast<size_t>(j) * nx, data.xs.data(), nx, 1);
    // After the rows, a column is NaN exactly in the rows that had no computed point.
    for (int i = 0; i < nx; ++i)
        fillLine(values.data() + i, data.ys.data(), ny, nx);
    return values;
}

} // namespace minimascope::ui
