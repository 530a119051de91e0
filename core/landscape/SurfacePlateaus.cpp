#include "landscape/SurfacePlateaus.h"

#include "common/InputError.h"
#include "io/NumberFormat.h"
#include "landscape/LossSurface.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

namespace minimascope::core {

namespace {

// d f / d axis at index k of a line of values along `axis`: central where both neighbours are
// finite, one-sided where one is, unknown (nullopt) where none is. A single-point axis has no slope
// along it (0).
template <class Value>
std::optional<double> plateauAxisSlope(const std::vector<double>& axis, size_t k, const Value& value)
{
    if (axis.size() < 2)
        return 0.0;
    const bool hasLeft = k > 0 && std::isfinite(value(k - 1));
    const bool hasRight = k + 1 < axis.size() && std::isfinite(value(k + 1));
    if (hasLeft && hasRight)
        return (value(k + 1) - value(k - 1)) / (axis[k + 1] - axis[k - 1]);
    if (hasRight)
        return (value(k + 1) - value(k)) / (axis[k + 1] - axis[k]);
    if (hasLeft)
        return (value(k) - value(k - 1)) / (axis[k] - axis[k - 1]);
    return std::nullopt;
}

}   // namespace

nlohmann::json PlateauSummary::toJson() const
{
    return {{"definition", "flat: in-plane slope |grad f| (central differences) <= slope_tolerance * (loss_max - "
                           "loss_min) / span; plateau: flat and loss > loss_min + level_tolerance * (loss_max - "
                           "loss_min)"},
            {"slope_tolerance", options.slopeTolerance},
            {"level_tolerance", options.levelTolerance},
            {"slope_threshold", jsonNumber(slopeThreshold)},
            {"loss_min", jsonNumber(lossMin)},
            {"loss_max", jsonNumber(lossMax)},
            {"points", points},
            {"flat", flat},
            {"plateau", plateau},
            {"flat_fraction", jsonNumber(flatFraction)},
            {"plateau_fraction", jsonNumber(plateauFraction)},
            {"plateau_loss_min", jsonNumber(plateauLossMin)},
            {"plateau_loss_max", jsonNumber(plateauLossMax)}};
}

PlateauSummary measurePlateaus(const LandscapeGrid& grid, const PlateauOptions& options)
{
    if (!(options.slopeTolerance > 0.0) || !std::isfinite(options.slopeTolerance))
        throw InputError("plateau slope tolerance", "the plateau slope tolerance must be positive and finite");
    if (!(options.levelTolerance >= 0.0 && options.levelTolerance < 1.0))
        throw InputError("plateau level tolerance", "the plateau level tolerance must be in [0, 1)");
    PlateauSummary s;
    s.options = options;
    const size_t nx = grid.xs.size(), ny = grid.ys.size();
    s.slope.assign(grid.loss.size(), kNaN);
    s.lossMin = s.lossMax = s.slopeThreshold = s.flatFraction = s.plateauFraction = kNaN;
    s.plateauLossMin = s.plateauLossMax = kNaN;
    if (nx * ny != grid.loss.size() || grid.loss.empty())
        return s;
    bool any = false;
    for (double f : grid.loss)
        if (std::isfinite(f)) {
            s.lossMin = any ? std::min(s.lossMin, f) : f;
            s.lossMax = any ? std::max(s.lossMax, f) : f;
            any = true;
        }
    if (!any)
        return s;
    for (size_t j = 0; j < ny; ++j)
        for (size_t i = 0; i < nx; ++i) {
            if (!std::isfinite(grid.loss[grid.index(i, j)]))
                continue;
            const auto gx = plateauAxisSlope(grid.xs, i, [&](size_t k) { return grid.loss[grid.index(k, j)]; });
            const auto gy = plateauAxisSlope(grid.ys, j, [&](size_t k) { return grid.loss[grid.index(i, k)]; });
            if (gx && gy)
                s.slope[grid.index(i, j)] = std::hypot(*gx, *gy);
        }
    const double spanX = nx > 1 ? grid.xs.back() - grid.xs.front() : 0.0;
    const double spanY = ny > 1 ? grid.ys.back() - grid.ys.front() : 0.0;
    const double span = std::max(std::fabs(spanX), std::fabs(spanY));
    const double range = s.lossMax - s.lossMin;
    s.slopeThreshold = span > 0.0 ? options.slopeTolerance * range / span : kNaN;
    const double level = s.lossMin + options.levelTolerance * range;
    for (size_t p = 0; p < grid.loss.size(); ++p) {
        const double f = grid.loss[p], slope = s.slope[p];
        if (!std::isfinite(f) || !std::isfinite(slope) || !std::isfinite(s.slopeThreshold))
            continue;
        ++s.points;
        if (slope > s.slopeThreshold)
            continue;
        ++s.flat;
        if (f > level) {
            s.plateauLossMin = s.plateau == 0 ? f : std::min(s.plateauLossMin, f);
            s.plateauLossMax = s.plateau == 0 ? f : std::max(s.plateauLossMax, f);
            ++s.plateau;
        }
    }
    if (s.points > 0) {
        s.flatFraction = static_cast<double>(s.flat) / static_cast<double>(s.points);
        s.plateauFraction = static_cast<double>(s.plateau) / static_cast<double>(s.points);
    }
    return s;
}

}   // namespace minimascope::core
