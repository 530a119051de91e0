#include "landscape/TrajectoryPca.h"

#include "common/InputError.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace minimascope::core {

namespace {

// Eigenvalues of the Gram matrix below this fraction of its trace are rounding noise: the
// trajectory does not extend in that direction.
constexpr double kNegligibleVariance = 1e-12;

// A unit vector orthogonal to `unit`, deterministic: the all-ones vector (or the first basis
// vector when that is parallel) with its component along `unit` removed.
at::Tensor someOrthogonalUnit(const at::Tensor& unit)
{
    at::Tensor candidate = at::ones_like(unit);
    candidate -= unit * unit.dot(candidate);
    if (candidate.norm().item<double>() < 1e-6 * std::sqrt(static_cast<double>(unit.numel()))) {
        candidate = at::zeros_like(unit);
        candidate[0] = 1.0;
        candidate -= unit * unit.dot(candidate);
    }
    return candidate / candidate.norm();
}

}   // namespace

TrajectoryPca trajectoryPca(const std::vector<at::Tensor>& snapshots, const at::Tensor& origin)
{
    if (snapshots.size() < 2)
        throw InputError("trajectory PCA needs at least 2 snapshots, got " + std::to_string(snapshots.size()));
    if (!origin.defined())
        throw InputError("trajectory PCA needs the final parameters as origin");
    at::NoGradGuard noGrad;
    const at::Tensor center = origin.detach().reshape({-1}).to(at::kDouble);
    std::vector<at::Tensor> rows;
    for (size_t i = 0; i < snapshots.size(); ++i) {
        if (snapshots[i].numel() != center.numel())
            throw InputError("trajectory PCA: snapshot " + std::to_string(i) + " has "
                             + std::to_string(snapshots[i].numel()) + " parameters, the origin "
                             + std::to_string(center.numel()));
        rows.push_back(snapshots[i].detach().reshape({-1}).to(at::kDouble) - center);
    }
    const at::Tensor offsets = at::stack(rows);   // [k, P]
    const at::Tensor centred = offsets - offsets.mean(0, /*keepdim=*/true);
    const at::Tensor gram = centred.mm(centred.t());        // [k, k]
    const auto [values, vectors] = at::linalg_eigh(gram);   // ascending
    const int64_t k = values.size(0);
    const double total = values.clamp_min(0).sum().item<double>();

    TrajectoryPca pca;
    std::array<at::Tensor, 2> directions;
    std::array<double, 2> explained{0.0, 0.0};
    for (int c = 0; c < 2; ++c) {
        const double lambda = k - 1 - c >= 0 ? values[k - 1 - c].item<double>() : 0.0;
        if (total > 0 && lambda > kNegligibleVariance * total) {
            directions[c] = centred.t().mv(vectors.select(1, k - 1 - c)) / std::sqrt(lambda);
            explained[c] = lambda / total;
        } else if (c == 1) {
            directions[c] = someOrthogonalUnit(directions[0]);
        } else {
            throw InputError("trajectory PCA: all snapshots are the same point");
        }
        // The start of training lies "behind" the end: a non-positive first coordinate.
        if (offsets[0].dot(directions[c]).item<double>() > 0)
            directions[c] = -directions[c];
    }
    const at::Tensor projected = offsets.mm(at::stack({directions[0], directions[1]}, 1));   // [k, 2]
    const auto accessor = projected.accessor<double, 2>();
    for (int64_t i = 0; i < projected.size(0); ++i)
        pca.projected.push_back({accessor[i][0], accessor[i][1]});
    pca.direction1 = directions[0].to(origin.scalar_type());
    pca.direction2 = directions[1].to(origin.scalar_type());
    pca.explained1 = explained[0];
    pca.explained2 = explained[1];
    return pca;
}

std::array<double, 4> trajectoryRange(const TrajectoryPca& pca)
{
    constexpr double kMargin = 1.25;
    constexpr double kMinAxisRatio = 0.25;
    double xExtent = 0.0, yExtent = 0.0;
    for (const std::array<double, 2>& p : pca.projected) {
        xExtent = std::max(xExtent, std::abs(p[0]));
        yExtent = std::max(yExtent, std::abs(p[1]));
    }
    if (!(xExtent > 0.0))
        throw InputError("the parameters did not move along the trajectory: it spans no plane");
    const double xMax = kMargin * xExtent;
    const double yMax = std::max(kMargin * yExtent, kMinAxisRatio * xMax);
    return {-xMax, xMax, -yMax, yMax};
}

}   // namespace minimascope::core
