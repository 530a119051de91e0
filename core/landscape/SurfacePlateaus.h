#pragma once
// Plateaus of a sampled loss surface or curve. Hamey (1998) finds no local minima on the XOR
// 2-2-1 error surface and points instead to plateaus and saddles as what slows training, and
// Gallagher (2000) describes MLP error surfaces as large flat regions at errors above the
// minimum, step-like transitions and narrow valleys. This counts the grid points of a landscape
// (LossSurface.h) that lie on such flat regions, in the picture's own plane:
//   slope      |grad f| at each point from central differences of the grid (one-sided at an edge
//              or next to a NaN), in loss per unit of alpha and beta;
//   flat       slope <= slopeTolerance * (f_max - f_min) / span, span the longer axis's extent:
//              flatter than `slopeTolerance` times a ramp climbing the grid's whole loss range
//              across it (scale-free: the same verdict for a loss times 10 or a range times 10);
//   plateau    flat, and loss > f_min + levelTolerance * (f_max - f_min): a flat region above the
//              lowest level of the grid, not the floor of the valley.
// In-plane only: a plateau of the picture may still slope across it. Points with a NaN loss (not
// evaluated, or outside a barycentric triangle) are left out. Pure function; thread-safe.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <vector>

namespace minimascope::core {

struct LandscapeGrid;

struct PlateauOptions {
    double slopeTolerance = 0.01;   // > 0
    double levelTolerance = 0.1;    // in [0, 1)
};

struct PlateauSummary {
    PlateauOptions options;
    double slopeThreshold = 0.0;   // the absolute slope below which a point is flat
    double lossMin = 0.0, lossMax = 0.0;
    int64_t points = 0;   // with a finite loss and slope
    int64_t flat = 0;
    int64_t plateau = 0;
    double flatFraction = 0.0;                           // flat / points (NaN without points)
    double plateauFraction = 0.0;                        // plateau / points
    double plateauLossMin = 0.0, plateauLossMax = 0.0;   // NaN without plateau points
    std::vector<double> slope;                           // per grid point, the grid's order (NaN where unknown)

    nlohmann::json toJson() const;   // everything but the slope map
};

// Throws InputError naming the tolerance when it is out of range.
PlateauSummary measurePlateaus(const LandscapeGrid& grid, const PlateauOptions& options = {});

}   // namespace minimascope::core
