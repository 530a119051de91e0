// `minimascope-cli asymmetry`: the asymmetric-valley scan of He, Huang & Yuan (2019) at a run's
// parameters (core/landscape/AsymmetricValleys.h: the definition, the sampled slopes, the verdict).
// Its options are parsed with the other commands' (CliArguments.cpp, `asymmetry --help`).
// Returns the exit code; throws InputError for bad input (exit code 2).
#include "Commands.h"
#include "ProgressPrinter.h"
#include "RunAtParameters.h"

#include "common/CancelToken.h"
#include "common/ExitCode.h"
#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "landscape/AsymmetricValleys.h"
#include "landscape/Directions.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace minimascope::cli {

namespace {

std::string curvesCsv(const core::AsymmetryScan& scan)
{
    std::ostringstream csv;
    csv.precision(17);
    csv << "direction,seed,l,loss,outward_slope\n";
    for (size_t k = 0; k < scan.directions.size(); ++k) {
        const core::DirectionAsymmetry& d = scan.directions[k];
        const core::AsymmetryCurve curve = core::signedCurve(d);
        for (size_t j = 0; j < curve.l.size(); ++j) {
            csv << k << ',' << d.seed << ',' << curve.l[j] << ',' << curve.loss[j] << ',';
            if (!std::isnan(curve.outwardSlope[j]))   // the centre has none
                csv << curve.outwardSlope[j];
            csv << '\n';
        }
    }
    return csv.str();
}

}   // namespace

int runAsymmetry(const CliArguments& args, const core::CancelToken& cancel)
{
    const AsymmetryArguments& a = args.asymmetry;
    core::AsymmetryOptions options;
    options.count = a.count;
    options.points = a.points;
    options.zeta = a.zeta;
    options.radius = a.radius;
    options.p = a.p;
    options.c = a.c;
    options.normalization = core::parseDirectionNormalization(a.normalization);
    options.ignoreBiasAndBatchNorm = !a.keepBiasAndBatchNorm;
    core::validateAsymmetryOptions(options);
    const RunAtParameters loaded = openRunAtParameters(a.runDir, a.parametersDir, a.split, a.subset);
    const core::RunFolderInfo& run = loaded.run;
    const core::RunConfig& config = loaded.config;
    options.seed = a.seedGiven ? a.seed : config.seed;
    const core::Dataset& examples = loaded.examples;
    const std::shared_ptr<core::Network>& network = loaded.network;
    const std::string& parametersDir = loaded.parametersDir;
    core::FlatParameters& parameters = *loaded.parameters;
    at::set_num_threads(a.threads > 0 ? a.threads : 2);

    const std::string prefix = a.outPrefix.empty() ? a.runDir + "/asymmetry" : a.outPrefix;
    const std::string outDir = std::filesystem::path(prefix).parent_path().string();
    if (!outDir.empty())
        core::ensureDirectory(outDir);   // an unusable output folder fails now, not after the scan
    std::fprintf(stderr, "%s: %s, %lld %s examples, %lld directions x %lld distances a side\n", parametersDir.c_str(),
                 network->describe().c_str(), static_cast<long long>(examples.size()), a.split.c_str(),
                 static_cast<long long>(options.count), static_cast<long long>(options.points));

    ProgressPrinter printer(stderr);
    const core::AsymmetryScan scan = core::scanAsymmetricDirections(*network, parameters, examples, options, &cancel,
                                                                    printer.sink());
    printer.finish();

    std::printf("%lld of %lld directions (%g, %s, %g, %g)-asymmetric (r, p, c, zeta; p free when 0)\n",
                static_cast<long long>(scan.asymmetricCount), static_cast<long long>(scan.directions.size()),
                options.radius, options.p > 0 ? std::to_string(options.p).c_str() : "any", options.c, options.zeta);
    std::printf("%-6s %-8s %-10s %-12s %-12s %-12s %-12s %-12s %s\n", "rank", "seed", "flat side", "flat max",
                "sharp min", "ratio", "mean flat", "mean sharp", "asymmetric");
    const std::vector<size_t> order = scan.byAsymmetry();
    for (size_t r = 0; r < order.size() && r < 10; ++r) {
        const core::DirectionAsymmetry& d = scan.directions[order[r]];
        std::printf("%-6zu %-8llu %-10s %-12.4g %-12.4g %-12.4g %-12.4g %-12.4g %s\n", r + 1,
                    static_cast<unsigned long long>(d.seed), d.flatSide > 0 ? "+" : "-", d.flatSlopeMax,
                    d.sharpSlopeMin, d.ratio, d.meanSlopeFlat, d.meanSlopeSharp, d.asymmetric ? "yes" : "no");
    }

    nlohmann::json json = scan.toJson();
    json["run"] = a.runDir;
    json["run_id"] = run.runId;
    json["parameters_dir"] = parametersDir;
    json["model"] = network->describe();
    json["split"] = a.split;
    json["examples"] = examples.size();
    std::ostringstream recompute;
    recompute << "minimascope-cli asymmetry --run " << a.runDir << " --params " << parametersDir << " --count "
              << options.count << " --range " << options.zeta << ',' << options.radius << " --points " << options.points
              << " --p " << options.p << " --c " << options.c << " --normalization "
              << core::toString(options.normalization) << (options.ignoreBiasAndBatchNorm ? "" : " --keep-bias-bn")
              << " --seed " << options.seed << " --split " << a.split
              << (a.subset > 0 ? " --subset " + std::to_string(a.subset) : std::string());
    json["recompute"] = recompute.str();
    core::writeFileAtomically(prefix + ".json", json.dump(2) + "\n");
    core::writeFileAtomically(prefix + ".csv", curvesCsv(scan));
    std::printf("%s -> %s.json, %s.csv\n", core::toString(scan.status), prefix.c_str(), prefix.c_str());
    return scan.status == core::RunStatus::Cancelled ? core::kCancelled : core::kSuccess;
}

}   // namespace minimascope::cli
