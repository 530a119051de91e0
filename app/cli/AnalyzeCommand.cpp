#include "Commands.h"
#include "ProgressPrinter.h"

#include "analysis/CurvatureReport.h"
#include "analysis/LinearStability.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "data/DatasetTransforms.h"
#include "io/AtomicFile.h"
#include "io/Directories.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <vector>

namespace minimascope::cli {

namespace {

std::set<std::string> parseQuantities(const std::string& list)
{
    static const std::set<std::string> known{"sharpness",    "lambda_min",       "non_uniformity",  "stability",
                                             "trace",        "density",          "layer_sharpness", "epsilon_sharpness",
                                             "grad_cov_top", "grad_cov_density", "subspace_overlap"};
    std::set<std::string> chosen;
    std::stringstream stream(list);
    std::string item;
    while (std::getline(stream, item, ',')) {
        if (known.count(item) == 0)
            throw core::InputError("unknown quantity '" + item
                                   + "' (known: sharpness, lambda_min, non_uniformity, stability, trace, density, "
                                     "layer_sharpness, epsilon_sharpness, grad_cov_top, grad_cov_density, "
                                     "subspace_overlap)");
        chosen.insert(item);
    }
    if (chosen.empty())
        throw core::InputError("--quantities lists nothing to compute");
    return chosen;
}

void printValue(const char* name, const core::MeasuredValue& m)
{
    std::printf("%-16s %.6g  (residual %.2g, %lld products, %.2f s)\n", name, m.value, m.residual,
                static_cast<long long>(m.products), m.seconds);
}

}   // namespace

int runAnalyze(const CliArguments& args, const core::CancelToken& cancel)
{
    const AnalyzeArguments& a = args.analyze;
    const std::set<std::string> quantities = parseQuantities(a.quantities);
    const core::RunFolderInfo run = core::readRunFolderInfo(a.runDir);
    const core::RunConfig config = core::readRunConfig(run);
    core::DatasetPair data = core::loadDatasets(config.dataset);
    core::Dataset examples = a.subset > 0 ? core::takeFirst(data.train, a.subset) : data.train;
    const auto network = core::buildModel(config.model, examples, config.seed);
    // What to analyze: one parameter folder, or with --snapshots every snapshot and the end.
    std::vector<core::SnapshotFolder> points;
    std::string outDir;
    if (a.snapshots) {
        if (!a.parametersDir.empty())
            throw core::InputError("--snapshots analyzes the run's snapshots: it takes no --params");
        points = core::listSnapshots(run.dir);
        const std::vector<core::MetricsRow> metrics = core::readMetrics(run);
        if (run.complete() && !metrics.empty()
            && (points.empty() || points.back().iteration < metrics.back().iteration))
            points.push_back({metrics.back().iteration, run.parametersDir()});
        if (points.size() < 2)
            throw core::InputError(run.dir + " has " + std::to_string(points.size())
                                   + " snapshot(s) and final parameters to analyze: train with --snapshot-every K "
                                     "(or schedule.snapshot_at) for spectra through training");
        outDir = a.outFile.empty() ? run.dir + "/spectra" : a.outFile;
        core::ensureDirectory(outDir);
    } else {
        points.push_back({-1, a.parametersDir.empty() ? core::finalParametersDir(run) : a.parametersDir});
    }
    core::FlatParameters parameters(*network);   // each point's tensors are loaded into it below
    if (a.topK > parameters.size())
        throw core::InputError("--top-k " + std::to_string(a.topK) + " exceeds the network's "
                               + std::to_string(parameters.size()) + " parameters (H has that many eigenvalues)");
    at::set_num_threads(static_cast<int>(core::Trainer::analysisThreadsFor(config)));

    core::CurvatureRequest request;
    request.sharpness = quantities.count("sharpness") > 0;
    request.topK = a.topK;
    request.lambdaMin = quantities.count("lambda_min") > 0;
    request.nonUniformity = quantities.count("non_uniformity") > 0;
    request.stability = quantities.count("stability") > 0;
    request.eta = a.eta > 0 ? a.eta : config.optimizer.lr;
    request.batchSize = a.batchSize > 0 ? a.batchSize : config.effectiveBatchSize(examples.size());
    request.draw = core::batchDrawOf(config.optimizer);
    const core::BatchDraw draw = request.draw;
    if (request.stability && (request.batchSize > examples.size() || examples.size() < 2))
        throw core::InputError("the stability test needs 2 <= B <= n (B = " + std::to_string(request.batchSize)
                               + ", n = " + std::to_string(examples.size()) + ")");
    request.traceSamples = quantities.count("trace") > 0 ? a.traceSamples : 0;
    request.density = quantities.count("density") > 0;
    request.densityOptions.steps = std::min<int64_t>(a.densitySteps, parameters.size());
    request.layerSharpness = quantities.count("layer_sharpness") > 0;
    request.epsilonSharpness = quantities.count("epsilon_sharpness") > 0;
    if (request.epsilonSharpness && !(a.epsilon > 0))
        throw core::InputError("--epsilon must be positive");
    request.epsilonOptions.epsilon = a.epsilon;
    request.epsilonOptions.steps = a.epsilonSteps;
    // The gradient covariance (1/n) sum_i g_i g_i^T: its top-k (k = --top-k), its density (the
    // --density-steps of H's) and the overlap of its top-k subspace with H's.
    request.noise = core::gradientNoiseRequest(
        quantities.count("grad_cov_top") > 0, quantities.count("grad_cov_density") > 0,
        quantities.count("subspace_overlap") > 0, a.densitySteps, parameters.size());
    request.tolerance = a.tolerance;
    request.forceNaive = a.naive;
    request.seed = config.seed;

    for (const core::SnapshotFolder& point : points) {
        const std::string& parametersDir = point.dir;
        core::loadNetworkTensors(parametersDir, *network, core::expectedRunIdFor(run, parametersDir));
        core::requireFiniteParameters(parameters, parametersDir);
        std::fprintf(stderr, "%s: %s, %lld examples, %lld parameters\n", parametersDir.c_str(),
                     network->describe().c_str(), static_cast<long long>(examples.size()),
                     static_cast<long long>(parameters.size()));
        // A bar per quantity; its ETA runs to the solver's step cap (it usually converges sooner).
        ProgressPrinter printer(stderr);
        std::string current;
        const auto progress = [&](const core::Progress& p) {
            if (p.quantity != current) {
                printer.finish();
                current = p.quantity;
            }
            char estimate[48] = "";
            if (std::isfinite(p.estimate))
                std::snprintf(estimate, sizeof estimate, "estimate %.6g", p.estimate);
            printer.update(p, estimate);
        };
        const core::CurvatureReport report = core::measureCurvature(*network, parameters, examples, request, &cancel,
                                                                    progress);
        printer.finish();

        for (size_t k = 0; k < report.topEigenvalues.size(); ++k)
            printValue(k == 0 ? "sharpness a" : ("lambda_" + std::to_string(k + 1)).c_str(), report.topEigenvalues[k]);
        if (report.lambdaMin)
            printValue("lambda_min", *report.lambdaMin);
        if (report.nonUniformity)
            printValue("non-uniformity s", *report.nonUniformity);
        if (report.stability)
            std::printf("stability        lambda_max = %.6g -> %s for eta = %g, B = %lld drawn %s (bounds: a <= %.4g, "
                        "s <= %.4g)\n",
                        report.stability->lambdaMax, report.stability->verdict(), request.eta,
                        static_cast<long long>(request.batchSize), core::toString(draw),
                        report.stability->sharpnessBound, report.stability->nonUniformityBound);
        if (report.trace)
            std::printf("trace            %.6g +- %.2g (%lld probes)\n", report.trace->trace,
                        report.trace->standardError, static_cast<long long>(report.trace->samples));
        if (report.density)
            std::printf("density          %zu grid points, sigma %.3g\n", report.density->grid.size(),
                        report.density->sigma);
        for (const core::LayerSharpness& layer : report.layers)
            printValue(("a of " + layer.layer).c_str(), layer.sharpness);
        if (report.epsilonSharpness)
            std::printf("eps-sharpness    %.6g %% (eps = %g: loss %.6g -> %.6g in the box, %lld gradients, %.2f s)\n",
                        report.epsilonSharpness->value, a.epsilon, report.epsilonSharpness->loss,
                        report.epsilonSharpness->maxLoss, static_cast<long long>(report.epsilonSharpness->gradients),
                        report.epsilonSharpness->seconds);
        if (report.noise) {
            const core::NoiseGeometryReport& noise = *report.noise;
            for (size_t k = 0; k < noise.topEigenvalues.size(); ++k)
                std::printf("grad cov lambda_%zu %.6g  (residual %.2g)\n", k + 1, noise.topEigenvalues[k],
                            noise.topResiduals[k]);
            if (noise.overlap)
                std::printf("subspace overlap %.6g  (H top-%lld in grad cov top-%lld)\n", *noise.overlap,
                            static_cast<long long>(noise.k), static_cast<long long>(noise.k));
            if (noise.gradientShare)
                std::printf("gradient share   %.6g  (of |g|^2 = %.6g in H top-%lld)\n", *noise.gradientShare,
                            noise.gradientNorm * noise.gradientNorm, static_cast<long long>(noise.k));
            if (noise.density)
                std::printf("grad cov density %zu grid points, sigma %.3g\n", noise.density->grid.size(),
                            noise.density->sigma);
        }

        nlohmann::json json = report.toJson();
        json["run"] = a.runDir;
        json["run_id"] = run.runId;
        json["parameters_dir"] = parametersDir;
        json["eta"] = request.eta;
        json["batch_size"] = request.batchSize;
        json["batch_draw"] = core::toString(draw);
        if (report.epsilonSharpness)
            json["epsilon_sharpness"]["epsilon"] = a.epsilon;
        std::string out = a.outFile.empty() ? a.runDir + "/analysis.json" : a.outFile;
        if (a.snapshots) {
            json["iteration"] = point.iteration;
            char name[32];
            std::snprintf(name, sizeof name, "/iter_%08lld.json", static_cast<long long>(point.iteration));
            out = outDir + name;
        }
        core::writeFileAtomically(out, json.dump(2) + "\n");
        std::printf("%s -> %s\n", core::toString(report.status), out.c_str());
        if (report.status == core::RunStatus::Cancelled)
            return kCancelled;
    }
    return kSuccess;
}

}   // namespace minimascope::cli
