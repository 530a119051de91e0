// `minimascope-cli asymmetry`: the asymmetric-valley scan of He, Huang & Yuan (2019) at a run's
// parameters (core/landscape/AsymmetricValleys.h: the definition, the sampled slopes, the verdict).
// main() hands it the words after "asymmetry"; it parses its own options:
//   --run DIR (required)  --params DIR (default: the run's final parameters)
//   --count K (10)        --range ZETA,R (0.1,1: distances in units of the direction)
//   --points M (10)       --p P (0 = any p)   --c C (2)
//   --normalization filter|layer|none (filter)   --keep-bias-bn   --seed S (the run's)
//   --subset N (all)      --split train|test (train)   --threads T (2)
//   --out PREFIX (RUN/asymmetry): PREFIX.json (everything) and PREFIX.csv (the 1D curves)
// Returns the exit code; throws InputError for bad input (exit code 2).
#include "Commands.h"
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

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace minimascope::cli {

namespace {

// Caps that keep a typo from asking for hours of gradients.
constexpr int64_t kMaxDirections = 10000;
constexpr int64_t kMaxPoints = 1001;
constexpr double kMaxDistance = 1e6;

struct AsymmetryArguments {
    std::string runDir;
    std::string parametersDir;
    core::AsymmetryOptions options;
    bool seedGiven = false;
    int64_t subset = 0;
    std::string split = "train";
    int threads = 0;
    std::string outPrefix;
};

std::string shortened(const std::string& text)
{
    return text.size() <= 80 ? text : text.substr(0, 80) + "...";
}

double parseNumber(const std::string& option, const std::string& text)
{
    size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(value))
        throw core::InputError(option + ": '" + shortened(text) + "' is not a finite number");
    return value;
}

int64_t parseCount(const std::string& option, const std::string& text, int64_t lowest, int64_t highest)
{
    const double value = parseNumber(option, text);
    if (value != std::floor(value) || value < static_cast<double>(lowest) || value > static_cast<double>(highest))
        throw core::InputError(option + " must be an integer in [" + std::to_string(lowest) + ", " +
                               std::to_string(highest) + "], not '" + shortened(text) + "'");
    return static_cast<int64_t>(value);
}

AsymmetryArguments parseArguments(const std::vector<std::string>& arguments)
{
    AsymmetryArguments a;
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string& option = arguments[i];
        const auto value = [&]() -> const std::string& {
            if (i + 1 >= arguments.size())
                throw core::InputError(option + " needs a value");
            return arguments[++i];
        };
        if (option == "--run") {
            a.runDir = value();
        } else if (option == "--params") {
            a.parametersDir = value();
        } else if (option == "--count") {
            a.options.count = parseCount(option, value(), 1, kMaxDirections);
        } else if (option == "--points") {
            a.options.points = parseCount(option, value(), 2, kMaxPoints);
        } else if (option == "--range") {
            const std::string& text = value();
            const size_t comma = text.find(',');
            if (comma == std::string::npos)
                throw core::InputError("--range takes ZETA,R, not '" + shortened(text) + "'");
            a.options.zeta = parseNumber(option, text.substr(0, comma));
            a.options.radius = parseNumber(option, text.substr(comma + 1));
            if (!(a.options.zeta > 0.0) || !(a.options.radius > a.options.zeta) || a.options.radius > kMaxDistance)
                throw core::InputError("--range needs 0 < ZETA < R <= 1e6");
        } else if (option == "--p") {
            a.options.p = parseNumber(option, value());
        } else if (option == "--c") {
            a.options.c = parseNumber(option, value());
            if (!(a.options.c > 1.0))
                throw core::InputError("--c must be larger than 1");
        } else if (option == "--normalization") {
            a.options.normalization = core::parseDirectionNormalization(value());
        } else if (option == "--keep-bias-bn") {
            a.options.ignoreBiasAndBatchNorm = false;
        } else if (option == "--seed") {
            a.options.seed = static_cast<uint64_t>(parseCount(option, value(), 0, int64_t(1) << 53));
            a.seedGiven = true;
        } else if (option == "--subset") {
            a.subset = parseCount(option, value(), 1, int64_t(1) << 40);
        } else if (option == "--split") {
            a.split = value();
            if (a.split != "train" && a.split != "test")
                throw core::InputError("--split is train or test, not '" + shortened(a.split) + "'");
        } else if (option == "--threads") {
            a.threads = static_cast<int>(parseCount(option, value(), 1, 256));
        } else if (option == "--out") {
            a.outPrefix = value();
        } else {
            throw core::InputError("asymmetry: unknown option '" + shortened(option) + "'");
        }
    }
    if (a.runDir.empty())
        throw core::InputError("asymmetry needs --run DIR");
    core::validateAsymmetryOptions(a.options);
    return a;
}

std::string curvesCsv(const core::AsymmetryScan& scan)
{
    std::ostringstream csv;
    csv.precision(17);
    csv << "direction,seed,l,loss,outward_slope\n";
    for (size_t k = 0; k < scan.directions.size(); ++k) {
        const core::DirectionAsymmetry& d = scan.directions[k];
        // Signed distance l along u: the - side first (outermost first), the centre, the + side.
        for (size_t j = d.distances.size(); j-- > 0;)
            csv << k << ',' << d.seed << ',' << -d.distances[j] << ',' << d.lossMinus[j] << ',' << d.slopeMinus[j]
                << '\n';
        csv << k << ',' << d.seed << ",0," << d.centreLoss << ",\n";
        for (size_t j = 0; j < d.distances.size(); ++j)
            csv << k << ',' << d.seed << ',' << d.distances[j] << ',' << d.lossPlus[j] << ',' << d.slopePlus[j]
                << '\n';
    }
    return csv.str();
}

} // namespace

int runAsymmetry(const std::vector<std::string>& arguments, const core::CancelToken& cancel)
{
    AsymmetryArguments a = parseArguments(arguments);
    const RunAtParameters loaded = openRunAtParameters(a.runDir, a.parametersDir, a.split, a.subset);
    const core::RunFolderInfo& run = loaded.run;
    const core::RunConfig& config = loaded.config;
    if (!a.seedGiven)
        a.options.seed = config.seed;
    const core::Dataset& examples = loaded.examples;
    const std::shared_ptr<core::Network>& network = loaded.network;
    const std::string& parametersDir = loaded.parametersDir;
    core::FlatParameters parameters(*network);
    core::requireFiniteParameters(parameters, parametersDir);
    at::set_num_threads(a.threads > 0 ? a.threads : 2);

    const std::string prefix = a.outPrefix.empty() ? a.runDir + "/asymmetry" : a.outPrefix;
    const std::string outDir = std::filesystem::path(prefix).parent_path().string();
    if (!outDir.empty())
        core::ensureDirectory(outDir);   // an unusable output folder fails now, not after the scan
    std::fprintf(stderr, "%s: %s, %lld %s examples, %lld directions x %lld distances a side\n", parametersDir.c_str(),
                 network->describe().c_str(), static_cast<long long>(examples.size()), a.split.c_str(),
                 static_cast<long long>(a.options.count), static_cast<long long>(a.options.points));

    auto lastPrint = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    const auto progress = [&lastPrint](int64_t done, int64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (now - lastPrint < std::chrono::milliseconds(500) && done < total)
            return;
        lastPrint = now;
        std::fprintf(stderr, "  direction %lld/%lld\n", static_cast<long long>(done), static_cast<long long>(total));
    };
    const core::AsymmetryScan scan =
        core::scanAsymmetricDirections(*network, parameters, examples, a.options, &cancel, progress);

    std::printf("%lld of %lld directions (%g, %s, %g, %g)-asymmetric (r, p, c, zeta; p free when 0)\n",
                static_cast<long long>(scan.asymmetricCount), static_cast<long long>(scan.directions.size()),
                a.options.radius, a.options.p > 0 ? std::to_string(a.options.p).c_str() : "any", a.options.c,
                a.options.zeta);
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
              << a.options.count << " --range " << a.options.zeta << ',' << a.options.radius << " --points "
              << a.options.points << " --p " << a.options.p << " --c " << a.options.c << " --normalization "
              << core::toString(a.options.normalization) << (a.options.ignoreBiasAndBatchNorm ? "" : " --keep-bias-bn")
              << " --seed " << a.options.seed << " --split " << a.split
              << (a.subset > 0 ? " --subset " + std::to_string(a.subset) : std::string());
    json["recompute"] = recompute.str();
    core::writeFileAtomically(prefix + ".json", json.dump(2) + "\n");
    core::writeFileAtomically(prefix + ".csv", curvesCsv(scan));
    std::printf("%s -> %s.json, %s.csv\n", core::toString(scan.status), prefix.c_str(), prefix.c_str());
    return scan.status == core::RunStatus::Cancelled ? core::kCancelled : core::kSuccess;
}

} // namespace minimascope::cli
