#pragma once
// Fills the points of a partly computed surface (NaN = not computed yet) so that a progressive
// surface can be drawn whole: linear interpolation along x within each row that has computed
// points, then along y between those rows, constant beyond the outermost ones. On a coarse
// lattice this is bilinear interpolation of the lattice. Computed values are kept as they are,
// except infinite ones (a diverged evaluation), which become the largest (smallest) finite value.
#include <vector>

namespace minimascope::ui {

struct SurfaceData;

// Row-major [ny][nx] like SurfaceData::values; all NaN when no point is computed.
std::vector<double> fillMissingValues(const SurfaceData& data);

// Bilinear interpolation of filled values (as returned above) at (x, y), clamped to the grid.
double interpolateFilled(const SurfaceData& grid, const std::vector<double>& filled, double x, double y);

}   // namespace minimascope::ui
