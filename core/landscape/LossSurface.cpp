#include "landscape/LossSurface.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "io/NumberFormat.h"
#include "landscape/BatchNormStatistics.h"
#include "landscape/MlpSurfacePath.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace minimascope::core {

namespace {

// The coarse level has at least this many intervals along the longer axis.
constexpr int64_t kCoarseIntervals = 6;
// ~30 sink calls a second at most.
constexpr auto kSinkInterval = std::chrono::milliseconds(33);

std::vector<double> axis(double lo, double hi, int64_t n)
{
    std::vector<double> values(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        values[static_cast<size_t>(i)] = n == 1 ? lo
                                                : lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1);
    return values;
}

bool onStride(int64_t index, int64_t n, int64_t stride) { return index % stride == 0 || index == n - 1; }

// Grid points are on the triangle's edge up to rounding of the axis values.
constexpr double kTriangleSlack = 1e-12;

bool inTriangle(double alpha, double beta)
{
    return alpha >= -kTriangleSlack && beta >= -kTriangleSlack && alpha + beta <= 1.0 + kTriangleSlack;
}

void checkShard(int64_t count, int64_t index)
{
    if (count < 1 || index < 0 || index >= count)
        throw InputError("surface request: shard " + std::to_string(index) + " of " + std::to_string(count)
                         + " does not exist");
}

bool inShard(int64_t index, const SurfaceRequest& request) { return index % request.shardCount == request.shardIndex; }

// Grid indices (j * nx + i) of each level, coarsest first; only the triangle's points if asked,
// and only the request's shard.
std::vector<std::vector<int64_t>> levelPoints(const LandscapeGrid& grid, const SurfaceRequest& request,
                                              const std::vector<int64_t>& strides)
{
    const auto nx = static_cast<int64_t>(grid.xs.size()), ny = static_cast<int64_t>(grid.ys.size());
    std::vector<std::vector<int64_t>> levels(strides.size());
    for (int64_t j = 0; j < ny; ++j)
        for (int64_t i = 0; i < nx; ++i) {
            if (request.triangle && !inTriangle(grid.xs[static_cast<size_t>(i)], grid.ys[static_cast<size_t>(j)]))
                continue;
            if (!inShard(j * nx + i, request))
                continue;
            for (size_t l = 0; l < strides.size(); ++l)
                if (onStride(i, nx, strides[l]) && onStride(j, ny, strides[l])) {
                    levels[l].push_back(j * nx + i);
                    break;
                }
        }
    return levels;
}

// Sets the parameters to the point and evaluates the whole network: any model.
class GenericPath {
public:
    GenericPath(Network& network, FlatParameters& parameters, const Dataset& data, const SurfaceRequest& request)
        : m_network(network), m_parameters(parameters), m_data(data), m_request(request)
    {
    }

    Evaluation evaluate(double alpha, double beta, const CancelToken* cancel)
    {
        at::NoGradGuard noGrad;
        at::Tensor point = at::add(m_request.origin, m_request.direction1, alpha);
        if (m_request.direction2.defined())
            point.add_(m_request.direction2, beta);
        if (m_request.crossDirection.defined())
            point.add_(m_request.crossDirection, alpha * beta);
        m_parameters.set(point);
        if (m_request.batchNormData != nullptr
            && !recomputeBatchNormStatistics(m_network, *m_request.batchNormData, cancel, MlpSurfacePath::kChunk))
            return {kNaN, kNaN};
        return core::evaluate(m_network, m_data, cancel, MlpSurfacePath::kChunk);
    }

private:
    Network& m_network;
    FlatParameters& m_parameters;
    const Dataset& m_data;
    const SurfaceRequest& m_request;
};

struct PointResult {
    int64_t index;
    Evaluation value;
};

// Results of the helper threads, handed to the calling thread, which alone writes the grid and
// calls the sink.
class ResultQueue {
public:
    void push(const PointResult& result)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_results.push_back(result);
    }
    std::vector<PointResult> take()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return std::exchange(m_results, {});
    }

private:
    std::mutex m_mutex;
    std::vector<PointResult> m_results;
};

void validate(const FlatParameters& parameters, const SurfaceRequest& request)
{
    const auto check = [&](const at::Tensor& vector, const char* name) {
        if (!vector.defined() || vector.numel() != parameters.size())
            throw InputError(std::string("surface request: ") + name + " must have " + std::to_string(parameters.size())
                             + " values (one per parameter)");
    };
    check(request.origin, "origin");
    check(request.direction1, "direction1");
    if (request.direction2.defined())
        check(request.direction2, "direction2");
    if (request.crossDirection.defined()) {
        if (!request.direction2.defined())
            throw InputError("surface request: the alpha*beta term needs a second direction");
        check(request.crossDirection, "crossDirection");
    }
    if (request.nx < 1 || (request.direction2.defined() && request.ny < 1))
        throw InputError("surface request: the grid needs at least one point a side");
    checkShard(request.shardCount, request.shardIndex);
}

}   // namespace

std::vector<int64_t> progressiveStrides(int64_t n)
{
    int64_t stride = 1;
    while ((n - 1) / (stride * 2) >= kCoarseIntervals)
        stride *= 2;
    std::vector<int64_t> strides;
    for (; stride >= 1; stride /= 2)
        strides.push_back(stride);
    return strides;
}

void mergeSurfaceShard(LandscapeGrid& into, const LandscapeGrid& shard, int64_t shardCount, int64_t shardIndex)
{
    checkShard(shardCount, shardIndex);
    if (into.loss.size() != shard.loss.size() || into.accuracy.size() != shard.accuracy.size())
        throw InputError("surface shards of different grids: " + std::to_string(into.loss.size()) + " and "
                         + std::to_string(shard.loss.size()) + " points");
    for (size_t k = static_cast<size_t>(shardIndex); k < into.loss.size(); k += static_cast<size_t>(shardCount)) {
        into.loss[k] = shard.loss[k];
        into.accuracy[k] = shard.accuracy[k];
    }
}

RunStatus evaluateSurface(Network& network, FlatParameters& parameters, const Dataset& data,
                          const SurfaceRequest& request, LandscapeGrid& out, const CancelToken* cancel,
                          const SurfaceSink& sink)
{
    const ProgressClock clock("points");
    validate(parameters, request);
    const bool twoD = request.direction2.defined();
    const int64_t nx = request.nx;
    const int64_t ny = twoD ? request.ny : 1;
    out.xs = axis(request.xMin, request.xMax, nx);
    out.ys = twoD ? axis(request.yMin, request.yMax, ny) : std::vector<double>{0.0};
    out.loss.assign(static_cast<size_t>(nx * ny), kNaN);
    out.accuracy.assign(static_cast<size_t>(nx * ny), kNaN);

    const ParameterRestorer restorer(parameters);
    std::optional<BatchNormBuffers> storedStatistics;
    if (request.batchNormData != nullptr)
        storedStatistics.emplace(network);
    bool cancelled = false;
    const std::unique_ptr<MlpSurfacePath> fast = request.fastPath && !request.crossDirection.defined()
                                                         && request.batchNormData == nullptr
                                                     ? MlpSurfacePath::tryCreate(network, parameters, data,
                                                                                 request.origin, request.direction1,
                                                                                 request.direction2, cancel, cancelled)
                                                     : nullptr;
    if (cancelled)
        return RunStatus::Cancelled;
    GenericPath generic(network, parameters, data, request);
    const bool wantAccuracy = request.accuracy && data.task == Task::Classification;
    const auto evaluatePoint = [&](int64_t index) {
        const double alpha = out.xs[static_cast<size_t>(index % nx)];
        const double beta = out.ys[static_cast<size_t>(index / nx)];
        Evaluation e = fast ? fast->evaluate(alpha, beta, wantAccuracy, cancel) : generic.evaluate(alpha, beta, cancel);
        if (!wantAccuracy)
            e.accuracy = kNaN;
        return e;
    };
    const auto stopRequested = [cancel] { return cancel != nullptr && cancel->isCancelled(); };

    // Only the fast path is free of module state; the generic path runs on this thread alone.
    const int hardware = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    const int workers = fast ? (request.threads > 0 ? request.threads : std::min(2, hardware)) : 1;
    const int callerThreads = at::get_num_threads();

    const std::vector<int64_t> strides = request.progressive ? progressiveStrides(std::max(nx, ny))
                                                             : std::vector<int64_t>{1};
    const std::vector<std::vector<int64_t>> levels = levelPoints(out, request, strides);
    int64_t pointsDone = 0, pointsTotal = 0;
    for (const std::vector<int64_t>& points : levels)
        pointsTotal += static_cast<int64_t>(points.size());
    SurfaceLevel current;
    current.count = static_cast<int>(levels.size());
    auto lastSink = std::chrono::steady_clock::now();
    ResultQueue queue;
    const auto store = [&](const PointResult& r) {
        if (std::isnan(r.value.loss) && stopRequested())
            return;   // interrupted midway: the point stays "not computed"
        out.loss[static_cast<size_t>(r.index)] = r.value.loss;
        out.accuracy[static_cast<size_t>(r.index)] = r.value.accuracy;
        ++pointsDone;
    };

    for (size_t level = 0; level < levels.size(); ++level) {
        current.index = static_cast<int>(level);
        current.stride = strides[level];
        current.finished = false;
        const std::vector<int64_t>& points = levels[level];
        std::atomic<size_t> next{0};
        std::exception_ptr helperError;
        std::mutex errorMutex;
        std::vector<std::thread> helpers;
        for (int w = 1; w < workers; ++w)
            helpers.emplace_back([&] {
                // Thread counts are per thread: each worker runs its matmuls on one core.
                at::set_num_threads(1);
                try {
                    for (size_t k = next++; k < points.size() && !stopRequested(); k = next++)
                        queue.push({points[k], evaluatePoint(points[k])});
                } catch (...) {
                    std::lock_guard<std::mutex> lock(errorMutex);
                    helperError = std::current_exception();
                    next = points.size();
                }
                // set_num_threads also sets the default of threads created later: put it back.
                at::set_num_threads(callerThreads);
            });
        std::exception_ptr callerError;
        try {
            if (workers > 1)
                at::set_num_threads(1);
            for (size_t k = next++; k < points.size() && !stopRequested(); k = next++) {
                store({points[k], evaluatePoint(points[k])});
                for (const PointResult& r : queue.take())
                    store(r);
                const auto now = std::chrono::steady_clock::now();
                if (sink && now - lastSink >= kSinkInterval) {
                    lastSink = now;
                    sink(out, current, clock.at(pointsDone, pointsTotal));
                }
            }
        } catch (...) {
            callerError = std::current_exception();
            next = points.size();
        }
        for (std::thread& helper : helpers)
            helper.join();
        at::set_num_threads(callerThreads);
        if (callerError)
            std::rethrow_exception(callerError);
        if (helperError)
            std::rethrow_exception(helperError);
        for (const PointResult& r : queue.take())
            store(r);
        if (stopRequested())
            return RunStatus::Cancelled;
        current.finished = true;
        if (sink) {
            lastSink = std::chrono::steady_clock::now();
            sink(out, current, clock.at(pointsDone, pointsTotal));
        }
    }
    return RunStatus::Finished;
}

}   // namespace minimascope::core
