#pragma once
// Writing a computed landscape for ParaView, NumPy, spreadsheets, and for recomputing it:
//   .vts   VTK XML structured grid: points (alpha, beta, loss) with point arrays "loss",
//          "log10_loss" and "accuracy" (a 1D curve is a 1-row grid)
//   .vtp   VTK XML poly data: the projected training trajectory as a polyline with the
//          snapshot iteration and loss as point arrays
//   .csv   one row per grid point: alpha,beta,loss,accuracy
//   .npy   float64 [3, ny, nx]: loss, accuracy, log10 loss
//   .json  sidecar: everything needed to recompute the grid (caller-supplied description plus
//          the axes and the file names)
// Every file is written to a temporary name beside the target and renamed over it only when
// complete; an unwritable path or a full disk throws InputError naming the path and leaves no
// file behind. Uses only VTK's IO/DataModel modules (no rendering). Thread-safe (no shared state).
#include "landscape/ConvexityMap.h"
#include "landscape/LossSurface.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <string>
#include <vector>

namespace minimascope::core {

// A trajectory projected onto the surface plane (see TrajectoryPca), with what is known of each
// point (NaN where not measured).
struct ProjectedTrajectory {
    std::vector<std::array<double, 2>> coordinates;
    std::vector<int64_t> iterations;
    std::vector<double> loss;
};

void writeSurfaceVts(const std::string& path, const LandscapeGrid& grid);
void writeTrajectoryVtp(const std::string& path, const ProjectedTrajectory& trajectory);
void writeSurfaceCsv(const std::string& path, const LandscapeGrid& grid);
void writeSurfaceNpy(const std::string& path, const LandscapeGrid& grid);

// Writes PREFIX.vts, PREFIX.csv, PREFIX.npy and PREFIX.json (the sidecar: `description` plus the
// grid's axes, resolution and the written file names) and, when `trajectory` has points,
// PREFIX_trajectory.vtp. Returns the paths written.
std::vector<std::string> exportSurface(const std::string& prefix, const LandscapeGrid& grid,
                                       const nlohmann::json& description,
                                       const ProjectedTrajectory* trajectory = nullptr);

// Li et al.'s convexity map (a coarser grid of its own) as PREFIX_convexity.csv (alpha, beta,
// ratio, lambda_min, lambda_max), PREFIX_convexity.npy (float64 [3, ny, nx] in that order) and
// PREFIX_convexity.json (`description` plus axes and file names). Returns the paths written.
std::vector<std::string> exportConvexity(const std::string& prefix, const ConvexityGrid& grid,
                                         const nlohmann::json& description);

// Reads a .vts written above back into a grid (axes from the points, "loss" and "accuracy"
// arrays), with VTK's XML reader; throws InputError naming the file when it cannot.
LandscapeGrid readSurfaceVts(const std::string& path);

}   // namespace minimascope::core
