#include "landscape/AsymmetricValleys.h"

#include "analysis/AutogradCurvature.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "io/NumberFormat.h"
#include "models/FlatParameters.h"
#include "models/Network.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

namespace minimascope::core {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

nlohmann::json finiteArray(const std::vector<double>& values)
{
    nlohmann::json array = nlohmann::json::array();
    for (double v : values)
        array.push_back(jsonNumber(v));
    return array;
}

}   // namespace

void validateAsymmetryOptions(const AsymmetryOptions& options)
{
    if (!(options.zeta > 0.0) || !std::isfinite(options.zeta))
        throw InputError("zeta", "the inner distance zeta must be positive and finite");
    if (!(options.radius > options.zeta) || !std::isfinite(options.radius))
        throw InputError("radius", "the outer distance r must be finite and larger than zeta");
    if (!(options.c > 1.0) || !std::isfinite(options.c))
        throw InputError("c", "the ratio c must be finite and larger than 1");
    if (!std::isfinite(options.p))
        throw InputError("p", "the slope bound p must be finite");
    if (options.points < 2)
        throw InputError("points", "at least 2 samples a side");
    if (options.count < 1)
        throw InputError("count", "at least one direction");
}

bool measureDirectionAsymmetry(const DirectionalProbe& probe, const AsymmetryOptions& options,
                               DirectionAsymmetry& result)
{
    const int64_t m = options.points;
    result.distances.clear();
    result.lossPlus.clear();
    result.lossMinus.clear();
    result.slopePlus.clear();
    result.slopeMinus.clear();
    double slope = 0.0;
    if (!probe(0.0, result.centreLoss, slope))
        return false;
    for (int64_t j = 0; j < m; ++j) {
        const double l = options.zeta
                         + (options.radius - options.zeta) * static_cast<double>(j) / static_cast<double>(m - 1);
        double lossPlus = 0.0, slopePlus = 0.0, lossMinus = 0.0, slopeMinus = 0.0;
        if (!probe(l, lossPlus, slopePlus) || !probe(-l, lossMinus, slopeMinus))
            return false;
        result.distances.push_back(l);
        result.lossPlus.push_back(lossPlus);
        result.slopePlus.push_back(slopePlus);
        result.lossMinus.push_back(lossMinus);
        result.slopeMinus.push_back(-slopeMinus);   // outward on the - side
    }
    const auto [plusMin, plusMax] = std::minmax_element(result.slopePlus.begin(), result.slopePlus.end());
    const auto [minusMin, minusMax] = std::minmax_element(result.slopeMinus.begin(), result.slopeMinus.end());
    const double span = options.radius - options.zeta;
    const double secantPlus = (result.lossPlus.back() - result.lossPlus.front()) / span;
    const double secantMinus = (result.lossMinus.back() - result.lossMinus.front()) / span;
    result.flatSide = *plusMax <= *minusMax ? +1 : -1;
    result.flatSlopeMax = result.flatSide > 0 ? *plusMax : *minusMax;
    result.sharpSlopeMin = result.flatSide > 0 ? *minusMin : *plusMin;
    result.meanSlopeFlat = result.flatSide > 0 ? secantPlus : secantMinus;
    result.meanSlopeSharp = result.flatSide > 0 ? secantMinus : secantPlus;
    result.ratio = result.sharpSlopeMin <= 0.0 ? 0.0
                   : result.flatSlopeMax > 0.0 ? result.sharpSlopeMin / result.flatSlopeMax
                                               : kInfinity;
    // Only the orientation with the flat side as chosen can pass (see the header).
    result.asymmetric = options.p > 0.0
                            ? result.flatSlopeMax < options.p && result.sharpSlopeMin > options.c * options.p
                            : result.ratio > options.c;
    return true;
}

AsymmetryCurve signedCurve(const DirectionAsymmetry& direction)
{
    const std::vector<double>& distances = direction.distances;
    AsymmetryCurve curve;
    for (size_t j = distances.size(); j-- > 0;) {
        curve.l.push_back(-distances[j]);
        curve.loss.push_back(direction.lossMinus[j]);
        curve.outwardSlope.push_back(direction.slopeMinus[j]);
    }
    curve.l.push_back(0.0);
    curve.loss.push_back(direction.centreLoss);
    curve.outwardSlope.push_back(std::numeric_limits<double>::quiet_NaN());
    for (size_t j = 0; j < distances.size(); ++j) {
        curve.l.push_back(distances[j]);
        curve.loss.push_back(direction.lossPlus[j]);
        curve.outwardSlope.push_back(direction.slopePlus[j]);
    }
    return curve;
}

std::vector<size_t> AsymmetryScan::byAsymmetry() const
{
    std::vector<size_t> order(directions.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [this](size_t a, size_t b) { return directions[a].ratio > directions[b].ratio; });
    return order;
}

AsymmetryScan scanAsymmetricDirections(Network& network, FlatParameters& parameters, const Dataset& data,
                                       const AsymmetryOptions& options, const CancelToken* cancel,
                                       const ProgressSink& progress)
{
    validateAsymmetryOptions(options);
    const auto start = std::chrono::steady_clock::now();
    const ProgressClock clock("directions");
    AsymmetryScan scan;
    scan.options = options;
    ParameterRestorer restorer(parameters);
    const at::Tensor centre = restorer.saved();
    AutogradCurvature curvature(network, parameters, data, cancel);
    for (int64_t k = 0; k < options.count; ++k) {
        DirectionAsymmetry direction;
        direction.seed = options.seed + static_cast<uint64_t>(k);
        parameters.set(centre);   // normalized against the centre, not the last sample
        const at::Tensor d = randomDirection(parameters, options.normalization, options.ignoreBiasAndBatchNorm,
                                             direction.seed);
        direction.norm = d.to(at::kDouble).norm().item<double>();
        const DirectionalProbe probe = [&](double l, double& loss, double& slope) {
            if (cancel && cancel->isCancelled())
                return false;
            parameters.set(centre + l * d);
            const AutogradCurvature::LossAndGradient lg = curvature.lossAndGradient();
            if (!lg.gradient.defined())
                return false;
            ++scan.gradients;
            loss = lg.loss;
            slope = at::dot(lg.gradient.to(at::kDouble), d.to(at::kDouble)).item<double>();
            return true;
        };
        if (!measureDirectionAsymmetry(probe, options, direction)) {
            scan.status = RunStatus::Cancelled;
            break;
        }
        if (direction.asymmetric)
            ++scan.asymmetricCount;
        scan.directions.push_back(std::move(direction));
        if (progress)
            progress(clock.at(k + 1, options.count));
    }
    scan.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return scan;
}

nlohmann::json AsymmetryScan::toJson() const
{
    nlohmann::json list = nlohmann::json::array();
    for (const DirectionAsymmetry& d : directions)
        list.push_back({{"seed", d.seed},
                        {"norm", jsonNumber(d.norm)},
                        {"centre_loss", jsonNumber(d.centreLoss)},
                        {"distances", finiteArray(d.distances)},
                        {"loss_plus", finiteArray(d.lossPlus)},
                        {"loss_minus", finiteArray(d.lossMinus)},
                        {"slope_plus", finiteArray(d.slopePlus)},
                        {"slope_minus", finiteArray(d.slopeMinus)},
                        {"flat_side", d.flatSide},
                        {"flat_slope_max", jsonNumber(d.flatSlopeMax)},
                        {"sharp_slope_min", jsonNumber(d.sharpSlopeMin)},
                        {"mean_slope_flat", jsonNumber(d.meanSlopeFlat)},
                        {"mean_slope_sharp", jsonNumber(d.meanSlopeSharp)},
                        {"ratio", jsonNumber(d.ratio)},
                        {"ratio_infinite", std::isinf(d.ratio)},
                        {"asymmetric", d.asymmetric}});
    nlohmann::json ranked = nlohmann::json::array();
    for (size_t i : byAsymmetry())
        ranked.push_back(i);
    return {{"status", toString(status)},
            {"definition", "(r, p, c, zeta)-asymmetric: outward slope < p on the flat side and > c p on the sharp "
                           "side at every sampled l in [zeta, r]; p <= 0 means any p > 0"},
            {"zeta", options.zeta},
            {"r", options.radius},
            {"points", options.points},
            {"p", options.p},
            {"c", options.c},
            {"normalization", toString(options.normalization)},
            {"ignore_bias_bn", options.ignoreBiasAndBatchNorm},
            {"seed", options.seed},
            {"count", static_cast<int64_t>(directions.size())},
            {"asymmetric_count", asymmetricCount},
            {"gradients", gradients},
            {"seconds", jsonNumber(seconds)},
            {"most_asymmetric_first", ranked},
            {"directions", list}};
}

}   // namespace minimascope::core
