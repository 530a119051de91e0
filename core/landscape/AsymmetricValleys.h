#pragma once
// Asymmetric valleys (He, Huang & Yuan 2019, "Asymmetric Valleys: Beyond Sharp and Flat Local
// Minima"): along many directions through a minimum the loss rises steeply on one side and slowly
// on the other. This scans K random (filter-normalized) directions at a point and measures each
// one's asymmetry from exact directional derivatives (one full-data gradient per sample).
//
// The definition used here, in our words. Let phi(l) = L(w + l u) be the loss along a direction u
// through w, phi'(l) its derivative in l (= u . grad L(w + l u), exact, not a finite difference).
// Given p > 0, c > 1 and 0 < zeta < r, u is (r, p, c, zeta)-asymmetric at w when, for every
// l in (zeta, r),
//     phi'(l)  <  p        going out on the + side the loss grows slower than p (the flat side),
//     phi'(-l) < -c p      going out on the - side it grows faster than c p (the sharp side),
// i.e. the outward slope -phi'(-l) exceeds c p. The paper's "grad_l L(w - l u) < -cp" is the
// derivative along u at w - l u, which is phi'(-l). zeta excludes the small neighbourhood of w
// where every slope is tiny. A random direction has no preferred sign, so both u and -u are
// tried: the flat side is reported as +1 or -1 (relative to u).
// Sampled, not for every l: the condition is checked at `points` distances evenly spaced over
// [zeta, r] (both ends included). With outward slopes s_flat(l) and s_sharp(l) on the two sides,
// the direction is asymmetric for given (p, c) iff max s_flat < p and min s_sharp > c p; with p
// left free (p <= 0 in the options) iff some p > 0 works, i.e. min s_sharp > 0 and
// min s_sharp > c max(s_flat, 0). The largest such c, min s_sharp / max s_flat (infinite when
// max s_flat <= 0 < min s_sharp), is reported as the direction's asymmetry ratio.
// Distances are in units of the direction (the landscape's alpha): with filter normalization
// l = 1 moves every filter by its own norm.
// Cancel: checked before every sample; a cancelled scan returns status Cancelled with the
// directions finished so far. The parameters are put back whatever happens. Not thread-safe
// (it moves the network's weights).
#include "common/Progress.h"
#include "common/RunStatus.h"
#include "data/Dataset.h"
#include "landscape/Directions.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <utility>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;

struct AsymmetryOptions {
    double zeta = 0.1;     // inner distance (excluded neighbourhood)
    double radius = 1.0;   // r, outer distance
    int64_t points = 10;   // samples per side over [zeta, r], >= 2
    double p = 0.0;        // flat-side slope bound; <= 0: any p (see above)
    double c = 2.0;        // sharpness ratio, > 1
    // For scans of a network:
    int64_t count = 10;   // K random directions
    DirectionNormalization normalization = DirectionNormalization::Filter;
    bool ignoreBiasAndBatchNorm = true;
    uint64_t seed = 0;   // direction k uses seed + k
};

// Throws InputError naming the option when the constants break 0 < zeta < r, c > 1, points >= 2,
// count >= 1.
void validateAsymmetryOptions(const AsymmetryOptions& options);

struct DirectionAsymmetry {
    uint64_t seed = 0;
    double norm = 0.0;                // |u| in parameter units
    std::vector<double> distances;    // l_j over [zeta, r]
    std::vector<double> lossPlus;     // phi(l_j)
    std::vector<double> lossMinus;    // phi(-l_j)
    std::vector<double> slopePlus;    // outward slope phi'(l_j)
    std::vector<double> slopeMinus;   // outward slope -phi'(-l_j)
    double centreLoss = 0.0;          // phi(0)
    int flatSide = +1;                // the side whose largest outward slope is smaller
    double flatSlopeMax = 0.0;        // max outward slope on the flat side over the samples
    double sharpSlopeMin = 0.0;       // min outward slope on the sharp side
    double meanSlopeFlat = 0.0;       // secant (phi(+-r) - phi(+-zeta)) / (r - zeta), flat side
    double meanSlopeSharp = 0.0;      // the same on the sharp side
    double ratio = 0.0;               // sharpSlopeMin / flatSlopeMax (see above; may be +inf, or <= 0)
    bool asymmetric = false;          // (r, p, c, zeta)-asymmetric in either orientation
};

// A direction's samples as one curve along the signed distance l (the - side outermost first,
// the centre, then the + side), with the outward slope at each sample (NaN at the centre): the
// rows of `asymmetry`'s CSV and the curves the desktop app draws.
struct AsymmetryCurve {
    std::vector<double> l, loss, outwardSlope;
};
AsymmetryCurve signedCurve(const DirectionAsymmetry& direction);

// (loss, derivative in l) of phi at a signed distance l; returns false when cancelled.
using DirectionalProbe = std::function<bool(double l, double& loss, double& slope)>;

// One direction from its probe (any 1-D function: the tests' closed forms, or a network below).
// Returns false when the probe was cancelled (the result is then incomplete).
bool measureDirectionAsymmetry(const DirectionalProbe& probe, const AsymmetryOptions& options,
                               DirectionAsymmetry& result);

struct AsymmetryScan {
    RunStatus status = RunStatus::Finished;
    AsymmetryOptions options;
    std::vector<DirectionAsymmetry> directions;   // in seed order
    int64_t asymmetricCount = 0;
    int64_t gradients = 0;   // full-data gradients computed
    double seconds = 0.0;

    // Indices into directions, most asymmetric (largest ratio) first.
    std::vector<size_t> byAsymmetry() const;
    nlohmann::json toJson() const;
};

// K seeded random directions at the network's current parameters, exact loss and directional
// derivative over `data` at each sample (eval mode: BatchNorm with its running statistics).
// Progress: one report a direction, "directions" done of `count`.
AsymmetryScan scanAsymmetricDirections(Network& network, FlatParameters& parameters, const Dataset& data,
                                       const AsymmetryOptions& options, const CancelToken* cancel = nullptr,
                                       const ProgressSink& progress = {});

}   // namespace minimascope::core
