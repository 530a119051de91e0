#include "Commands.h"
#include "Mpi.h"
#include "ProgressPrinter.h"
#include "RunAtParameters.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetTransforms.h"
#include "io/AtomicFile.h"
#include "landscape/ConvexityMap.h"
#include "landscape/Directions.h"
#include "landscape/EigenDirections.h"
#include "landscape/GradientDirection.h"
#include "landscape/InterpolationSurfaces.h"
#include "landscape/LossSurface.h"
#include "landscape/RunTrajectory.h"
#include "landscape/SurfaceExport.h"
#include "landscape/SurfacePlateaus.h"
#include "landscape/TrajectoryPca.h"
#include "landscape/WeightScaling.h"
#include "landscape/WeightSymmetry.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/Objective.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace minimascope::cli {

namespace {

using Clock = std::chrono::steady_clock;

// The two directions (the second undefined for a curve), the bilinear surface's alpha*beta term
// and the barycentric triangle, the origin when it is not the centre (scale: 0), what the sidecar
// should say about them, and the projected path for pca.
struct Plane {
    at::Tensor origin;
    at::Tensor direction1, direction2, crossDirection;
    bool triangle = false;
    nlohmann::json description;
    core::ProjectedTrajectory trajectory;
    std::array<double, 4> fittedRange{};   // xMin, xMax, yMin, yMax around the path, for pca
};

Plane pcaPlane(const LandscapeArguments& a, core::Network& network, core::FlatParameters& parameters,
               const core::Dataset& data, const at::Tensor& origin, const core::CancelToken& cancel)
{
    const core::RunSnapshots snapshots = core::loadRunSnapshots(a.runDir, network, parameters);
    const core::TrajectoryPca pca = core::trajectoryPca(snapshots.parameters, origin);
    Plane plane;
    plane.direction1 = pca.direction1;
    plane.direction2 = pca.direction2;
    plane.fittedRange = core::trajectoryRange(pca);
    plane.description = {{"snapshots", snapshots.iterations}, {"explained_variance", {pca.explained1, pca.explained2}}};
    std::fprintf(stderr, "pca of %zu snapshots: explained variance %.3f, %.3f\n", snapshots.parameters.size(),
                 pca.explained1, pca.explained2);
    plane.trajectory.coordinates = pca.projected;
    plane.trajectory.iterations = snapshots.iterations;
    // The loss along the path itself, so that the exported polyline lies on the surface.
    for (const at::Tensor& snapshot : snapshots.parameters) {
        parameters.set(snapshot);
        plane.trajectory.loss.push_back(core::evaluate(network, data, &cancel).loss);
    }
    parameters.set(origin);
    return plane;
}

// The top `k` Hessian eigenvectors as the plane's directions.
Plane eigenPlane(const LandscapeArguments& a, int64_t k, core::Network& network, core::FlatParameters& parameters,
                 const core::Dataset& data, const core::CancelToken& cancel)
{
    core::EigenDirectionOptions options;
    options.k = k;
    options.seed = a.seed;
    const core::EigenResult eigen = core::hessianEigenDirections(network, parameters, data, options, &cancel);
    if (eigen.status == core::RunStatus::Cancelled)
        return {};   // no directions: runLandscape answers the cancel
    if (eigen.pairs.size() < static_cast<size_t>(k))
        throw core::InputError("the Hessian has fewer than " + std::to_string(k) + " eigenvectors to find");
    Plane plane;
    plane.direction1 = eigen.pairs[0].vector;
    nlohmann::json values = nlohmann::json::array(), residuals = nlohmann::json::array();
    for (const core::EigenPair& pair : eigen.pairs) {
        values.push_back(pair.value);
        residuals.push_back(pair.residual);
        std::fprintf(stderr, "eigenvalue %.6g (residual %.2g)\n", pair.value, pair.residual);
    }
    if (k == 2)
        plane.direction2 = eigen.pairs[1].vector;
    plane.description = {{"eigenvalues", values}, {"residuals", residuals}, {"products", eigen.products}};
    return plane;
}

// The unit gradient, and for a surface the top Hessian eigenvector as the second direction.
Plane gradientPlane(const LandscapeArguments& a, core::Network& network, core::FlatParameters& parameters,
                    const core::Dataset& data, const core::CancelToken& cancel)
{
    const at::Tensor gradient = core::gradientDirection(network, parameters, data, &cancel);
    if (!gradient.defined())
        return {};   // cancelled: runLandscape answers it
    Plane plane;
    if (a.dimensions == 2) {
        plane = eigenPlane(a, 1, network, parameters, data, cancel);
        if (!plane.direction1.defined())
            return {};
        plane.direction2 = a.orthogonalize ? core::orthogonalizeAgainst(gradient, plane.direction1) : plane.direction1;
    }
    plane.direction1 = gradient;
    plane.description["first"] = "unit full-batch gradient";
    plane.description["orthogonalized"] = a.orthogonalize;
    return plane;
}

// The parameters of each --to folder (`count` of them), the network back at the centre after.
std::vector<at::Tensor> otherSolutions(const LandscapeArguments& a, size_t count, const std::string& centreDir,
                                       core::Network& network, core::FlatParameters& parameters)
{
    if (a.toDirs.size() != count)
        throw core::InputError("--directions " + a.directions + " needs --to DIR " + std::to_string(count)
                               + (count == 1 ? " time" : " times") + ", got " + std::to_string(a.toDirs.size()));
    std::vector<at::Tensor> solutions;
    for (const std::string& dir : a.toDirs) {
        core::loadNetworkTensors(dir, network);
        solutions.push_back(parameters.get());
    }
    // Back to the centre, BatchNorm statistics included.
    core::loadNetworkTensors(centreDir, network);
    return solutions;
}

Plane interpolationPlane(const LandscapeArguments& a, const std::string& centreDir, core::Network& network,
                         core::FlatParameters& parameters, const at::Tensor& origin)
{
    Plane plane;
    plane.description = {{"to", a.toDirs}};
    if (a.directions == "interpolate") {
        plane.direction1 = core::parameterDifference(origin, otherSolutions(a, 1, centreDir, network, parameters)[0]);
        return plane;
    }
    const bool barycentric = a.directions == "barycentric";
    const std::vector<at::Tensor> t = otherSolutions(a, barycentric ? 2 : 3, centreDir, network, parameters);
    const core::SurfaceRequest request = barycentric ? core::barycentricRequest(origin, t[0], t[1], a.resolution)
                                                     : core::bilinearRequest(origin, t[0], t[1], t[2], a.resolution);
    plane.direction1 = request.direction1;
    plane.direction2 = request.direction2;
    plane.crossDirection = request.crossDirection;
    plane.triangle = request.triangle;
    plane.description["corners"] = barycentric ? "(0,0) = centre, (1,0), (0,1) = --to in order"
                                               : "(0,0) = centre, (1,0), (0,1), (1,1) = --to in order";
    return plane;
}

// The line to the MLP's symmetric twin (WeightSymmetry.h): hidden units permuted (seeded), signs
// flipped too for tanh; alpha = 1 is the same function at another point.
Plane permutationPlane(const LandscapeArguments& a, core::Network& network, core::FlatParameters& parameters)
{
    const core::TwinLine twin = core::twinLine(network, parameters, a.seed);
    if (twin.batchNorm && !a.recomputeBatchNorm)
        throw core::InputError("--directions permutation on a BatchNorm MLP needs --recompute-bn (the twin's "
                               "running statistics are permuted, the centre's would not fit it)");
    Plane plane;
    plane.direction1 = twin.direction;
    plane.description = {
        {"symmetry", twin.signsFlipped ? "hidden units permuted and sign-flipped" : "hidden units permuted"},
        {"seed", a.seed},
        {"alpha_1", "the symmetric twin (same function, same loss)"}};
    return plane;
}

// Im, Tao & Branson's curve along the weight vector itself (WeightScaling.h): alpha is the
// multiplier of theta, from the origin of weight space (alpha = 0) through theta (alpha = 1).
Plane scalePlane(const LandscapeArguments& a, const at::Tensor& origin)
{
    const core::SurfaceRequest request = core::weightScaleRequest(origin, a.resolution);
    Plane plane;
    plane.origin = request.origin;
    plane.direction1 = request.direction1;
    plane.description = {{"curve", "L(alpha theta): alpha multiplies every parameter"},
                         {"alpha_1", "the parameters (--params)"},
                         {"batchnorm_statistics", "not scaled (buffers)"}};
    return plane;
}

// --vary: zeroes a direction outside the parameters whose names start with one of the prefixes
// (after its normalization), so that the plane moves only those: e.g. the hidden layer of the XOR
// 2-2-1 net, whose saturating units make the plateaus a linear output layer would hide.
at::Tensor restrictDirection(const core::FlatParameters& parameters, at::Tensor direction,
                             const std::vector<std::string>& prefixes)
{
    std::vector<bool> used(prefixes.size(), false);
    std::string names;
    for (size_t k = 0; k < parameters.slices().size(); ++k) {
        const std::string& name = parameters.slices()[k].name;
        names += (k == 0 ? "" : ", ") + name;
        bool kept = false;
        for (size_t p = 0; p < prefixes.size(); ++p)
            if (name.rfind(prefixes[p], 0) == 0)
                kept = used[p] = true;
        if (!kept)
            parameters.slice(direction, k).zero_();
    }
    for (size_t p = 0; p < prefixes.size(); ++p)
        if (!used[p])
            throw core::InputError("option --vary: no parameter name starts with '" + prefixes[p]
                                   + "' (the model's: " + names + ")");
    return direction;
}

// --plateau-tolerance for the recompute line, when not the default.
std::string plateauFlag(double tolerance)
{
    return tolerance != core::PlateauOptions{}.slopeTolerance ? " --plateau-tolerance " + std::to_string(tolerance)
                                                              : std::string();
}

std::string varyFlag(const std::vector<std::string>& prefixes)
{
    std::string flag;
    for (size_t p = 0; p < prefixes.size(); ++p)
        flag += (p == 0 ? " --vary " : ",") + prefixes[p];
    return flag;
}

Plane choosePlane(const LandscapeArguments& a, const std::string& centreDir, core::Network& network,
                  core::FlatParameters& parameters, const core::Dataset& data, const at::Tensor& origin,
                  const core::CancelToken& cancel)
{
    if (a.directions == "random") {
        const core::DirectionNormalization normalization = core::parseDirectionNormalization(a.normalization);
        const bool ignore = !a.keepBiasAndBatchNorm;
        // Each draw restricted to the --vary parameters (if any) before the pair is orthogonalized.
        const auto draw = [&](uint64_t seed) {
            const at::Tensor d = core::randomDirection(parameters, normalization, ignore, seed);
            return a.vary.empty() ? d : restrictDirection(parameters, d, a.vary);
        };
        Plane plane;
        plane.direction1 = draw(a.seed);
        if (a.dimensions == 2) {
            plane.direction2 = draw(a.seed + 1);
            if (a.orthogonalize)
                plane.direction2 = core::orthogonalizeAgainst(plane.direction1, plane.direction2);
        }
        plane.description = {{"normalization", a.normalization},
                             {"bias_and_batchnorm", ignore ? "zeroed" : "kept"},
                             {"seeds", {a.seed, a.seed + 1}},
                             {"orthogonalized", a.orthogonalize}};
        if (!a.vary.empty())
            plane.description["varied"] = a.vary;
        return plane;
    }
    if (a.directions == "eigen")
        return eigenPlane(a, a.dimensions, network, parameters, data, cancel);
    if (a.directions == "gradient")
        return gradientPlane(a, network, parameters, data, cancel);
    if (a.directions == "pca")
        return pcaPlane(a, network, parameters, data, origin, cancel);
    if (a.directions == "interpolate" || a.directions == "barycentric" || a.directions == "bilinear")
        return interpolationPlane(a, centreDir, network, parameters, origin);
    if (a.directions == "permutation")
        return permutationPlane(a, network, parameters);
    if (a.directions == "scale")
        return scalePlane(a, origin);
    throw core::InputError("unknown --directions '" + a.directions
                           + "' (expected random, eigen, gradient, pca, interpolate, barycentric, bilinear, "
                             "permutation or scale)");
}

// Li et al.'s convexity map on an n x n grid over the surface's plane and ranges, written beside
// the surface (PREFIX_convexity.*, appended to `written`, also when cancelled: NaN where not done).
core::RunStatus writeConvexityMap(int64_t n, core::Network& network, core::FlatParameters& parameters,
                                  const core::Dataset& data, core::SurfaceRequest request, nlohmann::json description,
                                  const std::string& prefix, const core::CancelToken& cancel,
                                  std::vector<std::string>& written)
{
    // Relative eigenvalue residual: the ratio is good to about 1 %, plenty for a map.
    constexpr double kTolerance = 1e-2;
    request.nx = request.ny = n;
    std::fprintf(stderr, "convexity map: %lld x %lld points, two Lanczos solves each\n", static_cast<long long>(n),
                 static_cast<long long>(n));
    const auto start = Clock::now();
    core::ConvexityGrid grid;
    const core::RunStatus status = core::convexityMap(network, parameters, data, request, grid, kTolerance, &cancel);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    description["status"] = core::toString(status);
    description["seconds"] = seconds;
    description["eigenvalue_tolerance"] = kTolerance;
    for (const std::string& path : core::exportConvexity(prefix, grid, description))
        written.push_back(path);
    const auto [lowest, highest] = std::minmax_element(grid.ratio.begin(), grid.ratio.end());
    std::fprintf(stderr, "convexity map %s after %.2f s: |lambda_min/lambda_max| from %.3g to %.3g\n",
                 core::toString(status), seconds, *lowest, *highest);
    return status;
}

}   // namespace

int runLandscape(const CliArguments& args, const core::CancelToken& cancel)
{
    LandscapeArguments a = args.landscape;
    if (a.directions == "interpolate" || a.directions == "permutation" || a.directions == "scale")
        a.dimensions = 1;
    if (a.directions == "barycentric" || a.directions == "bilinear")
        a.dimensions = 2;
    if (!a.vary.empty() && a.directions != "random")
        throw core::InputError("--vary restricts random directions only, not --directions " + a.directions);
    if (a.convexity > 0 && (a.dimensions == 1 || a.directions == "bilinear"))
        throw core::InputError("--convexity needs a plane: not with --dims 1, interpolate or bilinear");
    const RunAtParameters loaded = openRunAtParameters(a.runDir, a.parametersDir, a.split, a.subset);
    const core::RunFolderInfo& run = loaded.run;
    const core::RunConfig& config = loaded.config;
    // Under mpirun every rank loads the run and finds the plane; rank 0's directions go to all, each
    // rank evaluates its shard of the grid, and rank 0 gathers and writes them (Mpi.h).
    const std::unique_ptr<MpiSession> mpi = launchedUnderMpi() ? std::make_unique<MpiSession>("a landscape") : nullptr;
    const bool writer = mpi == nullptr || mpi->rank() == 0;
    if (mpi && a.convexity > 0)
        throw core::InputError("--convexity is not split across mpirun's ranks: run it without mpirun");
    if (!a.seedGiven)
        a.seed = config.seed;
    const core::DatasetPair& data = loaded.data;
    const core::Dataset& examples = loaded.examples;
    const std::shared_ptr<core::Network>& network = loaded.network;
    const std::string& parametersDir = loaded.parametersDir;
    core::FlatParameters& parameters = *loaded.parameters;
    at::set_num_threads(a.threads > 0 ? a.threads : 2);
    if (writer)
        std::fprintf(stderr, "%s: %s, %lld %s examples%s\n", parametersDir.c_str(), network->describe().c_str(),
                     static_cast<long long>(examples.size()), a.split.c_str(),
                     mpi ? (", the grid split over " + std::to_string(mpi->ranks()) + " MPI ranks").c_str() : "");

    // An unusable output folder fails now, not after the computation.
    const std::string prefix = a.outPrefix.empty() ? a.runDir + "/landscape_" + a.directions : a.outPrefix;
    const std::string outDir = std::filesystem::path(prefix).parent_path().string();
    if (!outDir.empty() && writer)
        core::ensureDirectory(outDir);

    const at::Tensor origin = parameters.get();
    Plane plane = choosePlane(a, parametersDir, *network, parameters, examples, origin, cancel);
    if (cancel.isCancelled()) {
        std::printf("cancelled while finding the directions\n");
        return kCancelled;
    }
    if (mpi) {
        shareFromRankZero(*mpi, plane.direction1);
        shareFromRankZero(*mpi, plane.direction2);
        shareFromRankZero(*mpi, plane.crossDirection);
    }

    core::SurfaceRequest request;
    request.origin = plane.origin.defined() ? plane.origin : origin;
    request.direction1 = plane.direction1;
    request.direction2 = plane.direction2;
    request.crossDirection = plane.crossDirection;
    request.triangle = plane.triangle;
    request.nx = request.ny = a.resolution;
    request.threads = a.threads;
    if (mpi) {
        request.shardCount = mpi->ranks();
        request.shardIndex = mpi->rank();
    }
    const core::Dataset statisticsData = a.split == "train" ? examples
                                         : a.subset > 0     ? core::takeFirst(data.train, a.subset)
                                                            : data.train;
    if (a.recomputeBatchNorm)
        request.batchNormData = &statisticsData;
    const std::array<double, 4> defaultRange =
        a.directions == "pca" ? plane.fittedRange
        : a.directions == "interpolate"
            ? std::array<double, 4>{core::kInterpolationMin, core::kInterpolationMax, 0.0, 0.0}
        : a.directions == "permutation" ? std::array<double, 4>{core::kTwinLineMin, core::kTwinLineMax, 0.0, 0.0}
        : a.directions == "scale"       ? std::array<double, 4>{core::kWeightScaleMin, core::kWeightScaleMax, 0.0, 0.0}
        : plane.crossDirection.defined() || plane.triangle ? std::array<double, 4>{0.0, 1.0, 0.0, 1.0}
                                                           : std::array<double, 4>{-1.0, 1.0, -1.0, 1.0};
    request.xMin = a.rangeGiven ? a.rangeMin : defaultRange[0];
    request.xMax = a.rangeGiven ? a.rangeMax : defaultRange[1];
    request.yMin = a.rangeGiven ? a.rangeMin : defaultRange[2];
    request.yMax = a.rangeGiven ? a.rangeMax : defaultRange[3];
    if (mpi) {   // pca fits the range to rank 0's path
        at::Tensor range = at::tensor({request.xMin, request.xMax, request.yMin, request.yMax}, at::kDouble);
        shareFromRankZero(*mpi, range);
        const auto* values = range.data_ptr<double>();
        request.xMin = values[0], request.xMax = values[1], request.yMin = values[2], request.yMax = values[3];
    }

    const core::DirectionReport report = core::describeDirections(plane.direction1, plane.direction2);
    if (writer)
        std::fprintf(stderr, "directions: %s, |d1| = %.6g, |d2| = %.6g, cos = %.3g\n", a.directions.c_str(),
                     report.norm1, report.norm2, report.cosine);

    const auto start = Clock::now();
    ProgressPrinter printer(stderr);
    const core::SurfaceSink sink = [&](const core::LandscapeGrid&, const core::SurfaceLevel& level,
                                       const core::Progress& p) {
        if (!writer)   // rank 0's share stands for all under mpirun
            return;
        printer.update(p, "level " + std::to_string(level.index + 1) + "/" + std::to_string(level.count) + " (stride "
                              + std::to_string(level.stride) + ")");
    };
    core::LandscapeGrid grid;
    core::RunStatus status = core::evaluateSurface(*network, parameters, examples, request, grid, &cancel, sink);
    printer.finish();
    if (mpi)
        status = gatherSurface(*mpi, grid, status);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!writer)
        return status == core::RunStatus::Cancelled ? kCancelled : kSuccess;   // rank 0 writes and reports

    std::string toFlags;
    for (const std::string& dir : a.toDirs)
        toFlags += " --to " + dir;
    nlohmann::json description = {
        {"run", a.runDir},
        {"run_id", run.runId},
        {"parameters_dir", parametersDir},
        {"model", network->describe()},
        {"model_spec", config.model.kind},
        {"dataset", config.dataset.name},
        {"split", a.split},
        {"examples", examples.size()},
        {"subset", a.subset > 0 ? nlohmann::json(a.subset) : nlohmann::json("all")},
        {"directions", a.directions},
        {"direction_details", plane.description},
        {"direction_norms", {report.norm1, report.norm2}},
        {"direction_cosine", report.cosine},
        {"batchnorm", a.recomputeBatchNorm ? "statistics recomputed at each point on the training examples, then eval"
                                           : "eval (stored running statistics)"},
        {"status", core::toString(status)},
        {"seconds", seconds},
        {"recompute", "minimascope-cli landscape --run " + a.runDir + " --params " + parametersDir + " --directions "
                          + a.directions + " --dims " + std::to_string(a.dimensions) + " --resolution "
                          + std::to_string(a.resolution) + " --seed " + std::to_string(a.seed) + " --split " + a.split
                          + (a.subset > 0 ? " --subset " + std::to_string(a.subset) : std::string())
                          + (a.directions == "random" ? " --normalization " + a.normalization : std::string())
                          + (a.keepBiasAndBatchNorm ? " --keep-bias-bn" : "")
                          + (a.orthogonalize ? " --orthogonalize" : "")
                          + (a.rangeGiven ? " --range " + std::to_string(a.rangeMin) + "," + std::to_string(a.rangeMax)
                                          : std::string())
                          + (a.convexity > 0 ? " --convexity " + std::to_string(a.convexity) : std::string())
                          + (a.recomputeBatchNorm ? " --recompute-bn" : "") + varyFlag(a.vary)
                          + plateauFlag(a.plateauTolerance) + toFlags},
    };
    if (a.directions == "permutation" && request.xMin == 0.0 && request.xMax == 1.0
        && status == core::RunStatus::Finished) {
        double where = 0.0;
        const double barrier = core::lineBarrier(grid.xs, grid.loss, &where);
        description["barrier"] = {{"value", barrier}, {"alpha", where}};
        std::printf("barrier between the twins: %.6g at alpha = %.3g (loss %.6g at both ends)\n", barrier, where,
                    grid.loss.front());
    }
    if (const size_t lowest = core::lowestPoint(grid.loss);
        a.directions == "scale" && status == core::RunStatus::Finished && lowest < grid.loss.size()) {
        // Where along the ray the loss is lowest: at alpha = 1 for a minimum unless shrinking or
        // growing the whole weight vector lowers the loss further.
        description["lowest"] = {{"alpha", grid.xs[lowest]}, {"loss", grid.loss[lowest]}};
        std::printf("lowest loss along alpha theta: %.6g at alpha = %.4g (|theta| = %.6g)\n", grid.loss[lowest],
                    grid.xs[lowest], report.norm1);
    }
    if (status == core::RunStatus::Finished) {
        // Flat regions of the picture above its lowest level (SurfacePlateaus.h): Hamey's and
        // Gallagher's plateaus, counted on the grid.
        core::PlateauOptions plateauOptions;
        plateauOptions.slopeTolerance = a.plateauTolerance;
        const core::PlateauSummary plateaus = core::measurePlateaus(grid, plateauOptions);
        description["plateaus"] = plateaus.toJson();
        std::printf("plateaus: %.1f %% of the points flat (slope <= %.3g), %.1f %% flat above the lowest tenth of "
                    "the loss range\n",
                    100.0 * plateaus.flatFraction, plateaus.slopeThreshold, 100.0 * plateaus.plateauFraction);
    }
    std::vector<std::string> written = core::exportSurface(prefix, grid, description, &plane.trajectory);
    const core::RunStatus convexityStatus = a.convexity > 0 && status == core::RunStatus::Finished
                                                ? writeConvexityMap(a.convexity, *network, parameters, examples,
                                                                    request, description, prefix, cancel, written)
                                                : status;
    const size_t centre = grid.index(grid.xs.size() / 2, grid.ys.size() / 2);
    std::printf("%s after %.2f s: %zu x %zu grid, loss %.6g at (%.3g, %.3g)\n", core::toString(status), seconds,
                grid.xs.size(), grid.ys.size(), grid.loss[centre], grid.xs[grid.xs.size() / 2],
                grid.ys[grid.ys.size() / 2]);
    for (const std::string& path : written)
        std::printf("  -> %s\n", path.c_str());
    return status == core::RunStatus::Cancelled || convexityStatus == core::RunStatus::Cancelled ? kCancelled
                                                                                                 : kSuccess;
}

}   // namespace minimascope::cli
