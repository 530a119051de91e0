#include "landscape/FitnessDistance.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "io/NumberFormat.h"
#include "io/StrictJson.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace minimascope::core {

namespace {

nlohmann::json fdcNumbers(const std::vector<double>& values)
{
    nlohmann::json array = nlohmann::json::array();
    for (double v : values)
        array.push_back(jsonNumber(v));
    return array;
}

// Why r is undefined for this sample, or empty when it is defined.
std::string fdcUndefinedReason(const FitnessDistanceSample& s)
{
    if (std::isfinite(s.correlation))
        return {};
    std::vector<double> d, e;
    for (size_t i = 0; i < s.loss.size(); ++i)
        if (std::isfinite(s.loss[i])) {
            d.push_back(s.distance[i]);
            e.push_back(s.loss[i]);
        }
    if (d.size() < 2)
        return "fewer than two points with a finite loss";
    if (std::all_of(d.begin(), d.end(), [&](double x) { return x == d.front(); }))
        return "every point is at the same distance: sigma_D = 0";
    return "the loss is the same at every point: sigma_E = 0";
}

}   // namespace

void validateFitnessDistanceOptions(const FitnessDistanceOptions& options)
{
    if (options.distances.empty())
        throw InputError("distances", "at least one distance");
    for (double d : options.distances)
        if (!(d >= 0.0) || !std::isfinite(d))
            throw InputError("distances", "distances must be finite and >= 0, got " + std::to_string(d));
    if (options.samples < 1)
        throw InputError("samples", "at least one point per distance");
}

std::vector<double> parseFitnessDistances(const std::string& text)
{
    const auto fail = [&text]() {
        return InputError("distances", "the distances need D1,D2,... or A:B:K with distances in [0, "
                                           + std::to_string(static_cast<int64_t>(kMaxFitnessDistance))
                                           + "] (and A < B, K in [2, " + std::to_string(kMaxFitnessDistances)
                                           + "]), got '" + excerptForMessage(text) + "'");
    };
    const auto number = [&fail](const std::string& word) {
        try {
            size_t used = 0;
            const double value = std::stod(word, &used);
            if (used == word.size() && std::isfinite(value) && value >= 0.0 && value <= kMaxFitnessDistance)
                return value;
        } catch (const std::exception&) {
        }
        throw fail();
    };
    const auto split = [](const std::string& all, char separator) {
        std::vector<std::string> parts{""};
        for (const char c : all) {
            if (c == separator)
                parts.emplace_back();
            else
                parts.back() += c;
        }
        return parts;
    };
    std::vector<double> distances;
    if (text.find(':') != std::string::npos) {
        const std::vector<std::string> parts = split(text, ':');
        if (parts.size() != 3)
            throw fail();
        const double from = number(parts[0]), to = number(parts[1]);
        int64_t count = 0;
        const std::string& k = parts[2];
        const auto [end, error] = std::from_chars(k.data(), k.data() + k.size(), count);
        if (error != std::errc() || end != k.data() + k.size() || count < 2 || count > kMaxFitnessDistances
            || !(from < to))
            throw fail();
        for (int64_t i = 0; i < count; ++i)
            distances.push_back(from + (to - from) * static_cast<double>(i) / static_cast<double>(count - 1));
        return distances;
    }
    for (const std::string& word : split(text, ','))
        distances.push_back(number(word));
    if (static_cast<int64_t>(distances.size()) > kMaxFitnessDistances)
        throw fail();
    return distances;
}

double pearsonCorrelation(const std::vector<double>& x, const std::vector<double>& y)
{
    if (x.size() != y.size())
        throw std::invalid_argument("pearsonCorrelation: samples of different sizes");
    // Two passes (means, then centred sums): no cancellation for large means and small spreads.
    double meanX = 0.0, meanY = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < x.size(); ++i)
        if (std::isfinite(x[i]) && std::isfinite(y[i])) {
            meanX += x[i];
            meanY += y[i];
            ++n;
        }
    if (n < 2)
        return kNaN;
    meanX /= static_cast<double>(n);
    meanY /= static_cast<double>(n);
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (size_t i = 0; i < x.size(); ++i)
        if (std::isfinite(x[i]) && std::isfinite(y[i])) {
            const double dx = x[i] - meanX, dy = y[i] - meanY;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
    if (!(sxx > 0.0) || !(syy > 0.0))
        return kNaN;
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

at::Tensor randomUnitDirection(const at::Tensor& like, uint64_t seed)
{
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor gaussian = at::randn({like.numel()}, generator,
                                          at::TensorOptions().dtype(at::kDouble).requires_grad(false));
    const double norm = gaussian.norm().item<double>();
    if (!(norm > 0.0))   // probability zero, but a zero draw must not become NaN
        return randomUnitDirection(like, seed + 1);
    return (gaussian / norm).to(like.scalar_type());
}

std::vector<DistanceSummary> FitnessDistanceSample::byDistance() const
{
    std::vector<DistanceSummary> rows;
    for (size_t i = 0; i < distance.size(); ++i) {
        if (i % static_cast<size_t>(options.samples) == 0) {   // points come distance-major
            DistanceSummary row;
            row.distance = distance[i];
            row.minLoss = row.maxLoss = kNaN;
            rows.push_back(row);
        }
        DistanceSummary& row = rows.back();
        if (!std::isfinite(loss[i]))
            continue;
        row.meanLoss += loss[i];
        row.minLoss = row.points == 0 ? loss[i] : std::min(row.minLoss, loss[i]);
        row.maxLoss = row.points == 0 ? loss[i] : std::max(row.maxLoss, loss[i]);
        ++row.points;
    }
    for (DistanceSummary& row : rows)
        row.meanLoss = row.points > 0 ? row.meanLoss / static_cast<double>(row.points) : kNaN;
    return rows;
}

std::string FitnessDistanceSample::correlationUndefinedReason() const { return fdcUndefinedReason(*this); }

nlohmann::json FitnessDistanceSample::toJson() const
{
    nlohmann::json rows = nlohmann::json::array();
    for (const DistanceSummary& row : byDistance())
        rows.push_back({{"distance", row.distance},
                        {"points", row.points},
                        {"mean_loss", jsonNumber(row.meanLoss)},
                        {"min_loss", jsonNumber(row.minLoss)},
                        {"max_loss", jsonNumber(row.maxLoss)}});
    const std::string undefined = fdcUndefinedReason(*this);
    return {{"status", toString(status)},
            {"definition", "Pearson r = cov(D, E) / (sigma_D sigma_E) of the points' distances D = |w - w*| and "
                           "losses E, w = w* + d u with u a seeded uniform random unit direction"},
            {"distances", options.distances},
            {"samples", options.samples},
            {"seed", options.seed},
            {"centre_loss", jsonNumber(centreLoss)},
            {"correlation", jsonNumber(correlation)},
            {"correlation_undefined", undefined.empty() ? nlohmann::json(nullptr) : nlohmann::json(undefined)},
            {"points", static_cast<int64_t>(loss.size())},
            {"non_finite", nonFinite},
            {"seconds", jsonNumber(seconds)},
            {"by_distance", rows},
            {"point_distance", distance},
            {"point_loss", fdcNumbers(loss)},
            {"point_seed", seed}};
}

FitnessDistanceSample sampleFitnessDistance(const ParameterObjective& objective, const at::Tensor& centre,
                                            const FitnessDistanceOptions& options, const CancelToken* cancel,
                                            const ProgressSink& progress)
{
    validateFitnessDistanceOptions(options);
    const auto start = std::chrono::steady_clock::now();
    const ProgressClock clock("points");
    FitnessDistanceSample sample;
    sample.options = options;
    const at::Tensor w = centre.detach().reshape({-1});
    const auto total = static_cast<int64_t>(options.distances.size()) * options.samples + 1;
    int64_t done = 0;
    const auto finish = [&](RunStatus status) {
        sample.status = status;
        sample.correlation = pearsonCorrelation(sample.distance, sample.loss);
        sample.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return sample;
    };
    if ((cancel && cancel->isCancelled()) || !objective(w, sample.centreLoss))
        return finish(RunStatus::Cancelled);
    if (progress)
        progress(clock.at(++done, total));
    uint64_t index = 0;
    for (double d : options.distances)
        for (int64_t k = 0; k < options.samples; ++k, ++index) {
            if (cancel && cancel->isCancelled())
                return finish(RunStatus::Cancelled);
            const uint64_t seed = options.seed + index;
            double loss = 0.0;
            // d = 0 is w* itself whatever the direction: no need to draw one.
            const bool ok = d == 0.0 ? objective(w, loss) : objective(w + d * randomUnitDirection(w, seed), loss);
            if (!ok)
                return finish(RunStatus::Cancelled);
            sample.distance.push_back(d);
            sample.loss.push_back(loss);
            sample.seed.push_back(seed);
            if (!std::isfinite(loss))
                ++sample.nonFinite;
            if (progress)
                progress(clock.at(++done, total));
        }
    return finish(RunStatus::Finished);
}

FitnessDistanceSample sampleFitnessDistance(Network& network, FlatParameters& parameters, const Dataset& data,
                                            const at::Tensor& centre, const FitnessDistanceOptions& options,
                                            const CancelToken* cancel, const ProgressSink& progress)
{
    if (centre.numel() != parameters.size())
        throw std::invalid_argument("sampleFitnessDistance: the centre does not match the parameters");
    ParameterRestorer restorer(parameters);
    // The landscape's own evaluation of a point (LossSurface's generic path): set the weights,
    // evaluate the whole set in eval mode.
    const ParameterObjective objective = [&](const at::Tensor& point, double& loss) {
        at::NoGradGuard noGrad;
        parameters.set(point);
        const Evaluation e = evaluate(network, data, cancel);
        if (cancel && cancel->isCancelled())
            return false;
        loss = e.loss;
        return true;
    };
    return sampleFitnessDistance(objective, centre.to(parameters.values().scalar_type()), options, cancel, progress);
}

}   // namespace minimascope::core
