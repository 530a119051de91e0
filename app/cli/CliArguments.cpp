#include "CliArguments.h"

#include "common/InputError.h"
#include "io/ConfigOverrides.h"
#include "io/StrictJson.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

namespace minimascope::cli {

using core::InputError;

namespace {

// Upper bounds of options whose cost grows with them; each far above any useful value.
constexpr int64_t kMaxResolution = 2001;    // 4 million loss evaluations for a surface
constexpr int64_t kMaxThreads = 256;        // system threads, started again at each level
constexpr int64_t kMaxConvexity = 101;      // two Lanczos solves a point
constexpr int64_t kMaxTopK = 1000;          // each eigenpair keeps a vector as long as the parameters
constexpr int64_t kMaxSolverSteps = 100000; // Hessian-vector products or ascent steps

// Shortcut flags and the config keys they set.
const std::map<std::string, std::string>& shortcuts()
{
    static const std::map<std::string, std::string> table{
        {"--lr", "optimizer.lr"},
        {"--batch-size", "optimizer.batch_size"},
        {"--optimizer", "optimizer.name"},
        {"--sampling", "optimizer.sampling"},
        {"--seed", "seed"},
        {"--n", "dataset.n"},
        {"--max-iterations", "stop.max_iterations"},
        {"--loss-below", "stop.loss_below"},
        {"--max-seconds", "stop.max_seconds"},
        {"--threads", "threads"},
        {"--snapshot-every", "schedule.snapshot_every"},
        {"--eval-every", "schedule.eval_every"},
    };
    return table;
}

// A command-line value is JSON when it parses as JSON (numbers, true, [1,2]), a string otherwise;
// `what` names the option in messages. A number JSON refuses because a double cannot hold it
// (1e400) is an error rather than the string "1e400".
nlohmann::json parseValue(const std::string& what, const std::string& text)
{
    if (nlohmann::json::accept(text))
        return core::parseStrictJson(text, what);
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    const bool numeric = !text.empty() && end == text.c_str() + text.size() &&
                         text.find_first_of("0123456789") != std::string::npos;
    if (numeric && (errno == ERANGE || !std::isfinite(value)))
        throw InputError(what + " needs a number a double can hold, got '" + core::excerptForMessage(text) + "'");
    return text;
}

// Exactly an integer ("12", also "1e3") in [min, max]; the range is checked before any cast, so
// that 1e30 is refused instead of wrapping.
int64_t parseInteger(const std::string& flag, const std::string& text, int64_t min, int64_t max)
{
    const auto fail = [&]() -> InputError {
        return InputError("option " + flag + " needs an integer in [" + std::to_string(min) + ", " +
                          std::to_string(max) + "], got '" + core::excerptForMessage(text) + "'");
    };
    int64_t value = 0;
    const char* last = text.data() + text.size();
    const auto [end, error] = std::from_chars(text.data(), last, value);
    if (error == std::errc() && end == last) {
        if (value < min || value > max)
            throw fail();
        return value;
    }
    size_t used = 0;
    double real = 0.0;
    try {
        real = std::stod(text, &used);
    } catch (const std::exception&) {
        throw fail();
    }
    // Doubles are exact integers up to 2^53; larger ones could not name a value exactly.
    if (used != text.size() || !std::isfinite(real) || real != std::floor(real) || std::fabs(real) > 0x1p53 ||
        real < static_cast<double>(min) || real > static_cast<double>(max))
        throw fail();
    return static_cast<int64_t>(real);
}

} // namespace

std::string usageText()
{
    return R"(minimascope-cli: train networks and measure why SGD finds flat minima.

Usage:
  minimascope-cli train (--config FILE | --preset NAME) [--out DIR] [options]
  minimascope-cli analyze --run DIR [options]
  minimascope-cli figures --run DIR [options]
  minimascope-cli landscape --run DIR [options]
  minimascope-cli presets            list the shipped presets
  minimascope-cli --help             this text

train options:
  --config FILE         run config (JSON; see docs/config.md). A run folder's config.json reruns it.
  --preset NAME         a shipped preset instead of --config (see 'presets').
  --out DIR             output folder (default: runs/<config or preset name>). It receives
                        summary.json, config.json, metrics.csv (streamed), parameters/, checkpoint/
                        and snapshots/; a folder that holds another run is refused.
  --overwrite           replace the run in --out (removes only the files a run writes)
  --checkpoint-every S  save the parameters every S seconds of training (default 60; 0 = never),
                        so a killed run loses at most S seconds
  --set KEY=VALUE       override any config key, e.g. --set optimizer.momentum=0.9
                        (VALUE is JSON when it parses as JSON, a string otherwise). Repeatable.
  --lr X                = --set optimizer.lr=X (the learning rate eta)
  --batch-size B        = --set optimizer.batch_size=B
  --optimizer NAME      = --set optimizer.name=NAME (gd, sgd, adagrad, adam, lbfgs, sam, adahessian)
  --sampling MODE       = --set optimizer.sampling=MODE (shuffle, subset, replacement)
  --seed S              = --set seed=S
  --n N                 = --set dataset.n=N (training examples)
  --max-iterations N    = --set stop.max_iterations=N
  --loss-below X        = --set stop.loss_below=X
  --max-seconds S       = --set stop.max_seconds=S
  --threads T           = --set threads=T (torch threads; 0 = automatic)
  --snapshot-every K    = --set schedule.snapshot_every=K
  --eval-every K        = --set schedule.eval_every=K
  --quiet               print only the final summary line
  --track-every K       measure the sharpness a and the non-uniformity s every K iterations
                        (and at the end), warm-started; streamed to curvature.csv
  --track-at-end        measure a and s once, on the final parameters (as in the papers)
  --track-subset N      measure on the first N training examples (default: all)

analyze options (curvature of a run's final parameters or of a snapshot):
  --run DIR             a run folder written by 'train' (its config.json rebuilds data and model)
  --params DIR          parameters to analyse (default DIR/parameters; e.g. DIR/snapshots/iter_00001000)
  --quantities LIST     comma-separated: sharpness, lambda_min, non_uniformity, stability, trace,
                        density, layer_sharpness (lambda_max of each layer's block of H),
                        epsilon_sharpness (Keskar et al.) (default sharpness,non_uniformity,stability)
  --top-k K             eigenpairs of H from the top (default 1, at most 1000)
  --subset N            use the first N training examples (default: all of the run's n)
  --eta X, --batch-size B   for the stability verdict (default: the run's; batches are drawn as the
                        run's sampling draws them: with replacement for 'replacement', else B-subsets)
  --tolerance X         certify eigenvalues to |Hv - lambda v| <= X |lambda| (default 1e-3)
  --trace-samples K     Hutchinson probes (default 100)
  --density-steps M     Lanczos steps of the spectral density (default 100)
  --epsilon X           epsilon-sharpness box half-width X (|theta| + 1) (default 1e-3)
  --epsilon-steps K     its projected ascent steps, one full gradient each (default 10)
  --naive               per-example loop for Sigma even where the fast exact path applies
  --out FILE            JSON output (default DIR/analysis.json)

figures options (the plots of a run, headless; the 2D plots need no display):
  --run DIR             a run folder written by 'train' (metrics, curvature.json, analysis.json)
  --out DIR             output folder (default DIR/figures): loss, sharpness, stability and
                        spectrum plots in each format, the data behind each as CSV, and
                        figure-sheet.pdf (the four plots on one page)
  --surface FILE.vts    also render this surface (from 'landscape') in 3D to surface.png;
                        3D rendering needs an X server (run under xvfb-run on a server)
  --size WxH            image size in pixels (default 1200x800)
  --dpi D               text and line scale of the images (default 96 = as on screen)
  --formats LIST        comma-separated: png, svg, pdf (default all three)

landscape options (a loss surface or curve around a run's parameters; see docs/landscape.md):
  --run DIR             a run folder written by 'train' (its config.json rebuilds data and model)
  --params DIR          the centre (default DIR/parameters; e.g. DIR/snapshots/iter_00001000)
  --directions KIND     random (seeded Gaussian, normalized; default), eigen (top Hessian
                        eigenvectors), gradient (the unit full-batch gradient; with --dims 2
                        the top Hessian eigenvector second), pca (principal plane of
                        DIR/snapshots, path exported too), interpolate (the line to --to,
                        alpha = 1 lands on it; 1D), barycentric (the triangle of the centre
                        and two --to solutions; points outside it are NaN), bilinear (the
                        centre = (0,0) and three --to solutions at (1,0), (0,1), (1,1))
  --to DIR              another solution's parameters (e.g. another run's parameters/);
                        once for interpolate, twice for barycentric, three times for bilinear
  --range A,B           alpha and beta from A to B (default -1,1; interpolate -0.5,1.5;
                        barycentric and bilinear 0,1; pca fits the projected path)
  --resolution N        points a side (default 51, at most 2001)
  --dims 1|2            a curve along the first direction or a surface (default 2)
  --normalization MODE  filter, layer or none for random directions (default filter)
  --keep-bias-bn        keep biases and BatchNorm parameters in random directions (default zeroed)
  --orthogonalize       make the second random (or gradient's eigenvector) direction orthogonal
                        to the first
  --seed S              seed of the random directions (default the run's seed)
  --subset N            the first N examples of the split (default all)
  --split train|test    which data the loss is measured on (default train)
  --threads T           workers (default 0 = both cores, at most 256)
  --out PREFIX          writes PREFIX.vts/.csv/.npy/.json (+ PREFIX_trajectory.vtp for pca);
                        default DIR/landscape_<directions>
  --convexity N         also |lambda_min/lambda_max| of the Hessian on an N x N grid over the
                        same plane and ranges (two Lanczos solves a point: N = 5..11) to
                        PREFIX_convexity.csv/.npy/.json; not for curves or bilinear surfaces
  --recompute-bn        BatchNorm statistics recomputed at each point on the training examples
                        (the first N with --subset) before evaluating in eval mode; default:
                        the stored running statistics

Progress goes to stderr: a bar with ETA on a terminal, plain lines otherwise.
Ctrl-C stops the run cleanly and still writes what was measured.

Exit codes:
  0  finished (loss target, iteration or time cap reached)
  1  internal error
  2  bad input: command line, config, data files, unwritable output folder
  3  training diverged (NaN/Inf or loss above stop.divergence_loss)
  4  cancelled (Ctrl-C / SIGTERM)
)";
}

CliArguments parseArguments(int argc, char** argv)
{
    CliArguments args;
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty())
        throw InputError("no command given (try 'minimascope-cli --help')");
    size_t i = 0;
    if (words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
        args.command = "help";
        return args;
    }
    args.command = words[i++];
    if (args.command != "train" && args.command != "analyze" && args.command != "figures" &&
        args.command != "landscape" && args.command != "presets")
        throw InputError("unknown command '" + core::excerptForMessage(args.command) +
                         "' (expected train, analyze, figures, landscape or presets)");
    const auto valueOf = [&](const std::string& flag) -> std::string {
        if (i >= words.size())
            throw InputError("option " + flag + " needs a value");
        return words[i++];
    };
    // Finite numbers only: stod also reads "nan" and "inf".
    const auto number = [&](const std::string& flag) -> double {
        const std::string text = valueOf(flag);
        try {
            size_t used = 0;
            const double value = std::stod(text, &used);
            if (used == text.size() && std::isfinite(value))
                return value;
        } catch (const std::exception&) {
        }
        throw InputError("option " + flag + " needs a finite number, got '" + core::excerptForMessage(text) + "'");
    };
    // A number in (exclusiveMin, max].
    const auto above = [&](const std::string& flag, double exclusiveMin, double max) -> double {
        const double value = number(flag);
        if (!(value > exclusiveMin && value <= max)) {
            std::ostringstream range;
            range << "option " << flag << " needs a number above " << exclusiveMin << " and at most " << max
                  << ", got " << value;
            throw InputError(range.str());
        }
        return value;
    };
    // Counts of examples, iterations or steps: int32 is what the data sets and solvers index with.
    const auto count = [&](const std::string& flag, int64_t min,
                           int64_t max = std::numeric_limits<int32_t>::max()) -> int64_t {
        return parseInteger(flag, valueOf(flag), min, max);
    };
    AnalyzeArguments& analyze = args.analyze;
    FiguresArguments& figures = args.figures;
    LandscapeArguments& landscape = args.landscape;
    while (i < words.size()) {
        const std::string flag = words[i++];
        if (args.command == "landscape" && flag != "--help" && flag != "-h") {
            if (flag == "--run") landscape.runDir = valueOf(flag);
            else if (flag == "--params") landscape.parametersDir = valueOf(flag);
            else if (flag == "--directions") landscape.directions = valueOf(flag);
            else if (flag == "--to") landscape.toDirs.push_back(valueOf(flag));
            else if (flag == "--range") {
                const std::string range = valueOf(flag);
                double lo = 0, hi = 0;
                char tail = 0;
                // Coordinates are multiples of directions as long as the parameters: beyond 1e6
                // every loss is inf or NaN in float32.
                if (std::sscanf(range.c_str(), "%lf,%lf%c", &lo, &hi, &tail) != 2 || !std::isfinite(lo) ||
                    !std::isfinite(hi) || !(lo < hi) || lo < -1e6 || hi > 1e6)
                    throw InputError("option --range needs A,B with -1e6 <= A < B <= 1e6, got '" +
                                     core::excerptForMessage(range) + "'");
                landscape.rangeMin = lo;
                landscape.rangeMax = hi;
                landscape.rangeGiven = true;
            } else if (flag == "--resolution") landscape.resolution = count(flag, 2, kMaxResolution);
            else if (flag == "--dims") landscape.dimensions = count(flag, 1);
            else if (flag == "--normalization") landscape.normalization = valueOf(flag);
            else if (flag == "--keep-bias-bn") landscape.keepBiasAndBatchNorm = true;
            else if (flag == "--orthogonalize") landscape.orthogonalize = true;
            else if (flag == "--seed") {
                landscape.seed = static_cast<uint64_t>(count(flag, 0, std::numeric_limits<int64_t>::max()));
                landscape.seedGiven = true;
            } else if (flag == "--subset") landscape.subset = count(flag, 1);
            else if (flag == "--split") landscape.split = valueOf(flag);
            else if (flag == "--threads") landscape.threads = static_cast<int>(count(flag, 0, kMaxThreads));
            else if (flag == "--out") landscape.outPrefix = valueOf(flag);
            else if (flag == "--convexity") landscape.convexity = count(flag, 2, kMaxConvexity);
            else if (flag == "--recompute-bn") landscape.recomputeBatchNorm = true;
            else throw InputError("unknown option '" + core::excerptForMessage(flag) +
                                  "' for landscape (see 'minimascope-cli --help')");
            continue;
        }
        if (args.command == "figures" && flag != "--help" && flag != "-h") {
            if (flag == "--run") figures.runDir = valueOf(flag);
            else if (flag == "--out") figures.outDir = valueOf(flag);
            else if (flag == "--surface") figures.surfacePath = valueOf(flag);
            else if (flag == "--dpi") figures.dpi = number(flag);
            else if (flag == "--formats") figures.formats = valueOf(flag);
            else if (flag == "--size") {
                const std::string size = valueOf(flag);
                int w = 0, h = 0;
                char tail = 0;
                if (std::sscanf(size.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 16 || h < 16 || w > 16384 || h > 16384)
                    throw InputError("option --size needs WxH between 16 and 16384 pixels, got '" +
                                     core::excerptForMessage(size) + "'");
                figures.width = w;
                figures.height = h;
            } else throw InputError("unknown option '" + core::excerptForMessage(flag) +
                                    "' for figures (see 'minimascope-cli --help')");
            continue;
        }
        if (args.command == "analyze" && flag != "--help" && flag != "-h" && flag != "--out") {
            if (flag == "--run") analyze.runDir = valueOf(flag);
            else if (flag == "--params") analyze.parametersDir = valueOf(flag);
            else if (flag == "--quantities") analyze.quantities = valueOf(flag);
            else if (flag == "--top-k") analyze.topK = count(flag, 1, kMaxTopK);
            else if (flag == "--subset") analyze.subset = count(flag, 1);
            else if (flag == "--eta") analyze.eta = above(flag, 0.0, 1e6);
            else if (flag == "--batch-size") analyze.batchSize = count(flag, 1);
            else if (flag == "--tolerance") analyze.tolerance = above(flag, 0.0, 1.0);
            else if (flag == "--trace-samples") analyze.traceSamples = count(flag, 1, kMaxSolverSteps);
            else if (flag == "--density-steps") analyze.densitySteps = count(flag, 2, kMaxSolverSteps);
            else if (flag == "--epsilon") analyze.epsilon = above(flag, 0.0, 1e3);
            else if (flag == "--epsilon-steps") analyze.epsilonSteps = count(flag, 1, kMaxSolverSteps);
            else if (flag == "--naive") analyze.naive = true;
            else throw InputError("unknown option '" + core::excerptForMessage(flag) +
                                  "' for analyze (see 'minimascope-cli --help')");
            continue;
        }
        if (flag == "--help" || flag == "-h") {
            args.helpRequested = true;
        } else if (flag == "--config") {
            args.configPath = valueOf(flag);
        } else if (flag == "--preset") {
            args.presetName = valueOf(flag);
        } else if (flag == "--out") {
            (args.command == "analyze" ? analyze.outFile : args.outDir) = valueOf(flag);
        } else if (flag == "--quiet") {
            args.quiet = true;
        } else if (flag == "--overwrite") {
            args.overwrite = true;
        } else if (flag == "--checkpoint-every") {
            args.checkpointSeconds = number(flag);
            if (!(args.checkpointSeconds >= 0.0 && args.checkpointSeconds <= 1e7))
                throw InputError("option --checkpoint-every needs seconds between 0 and 1e7");
        } else if (flag == "--track-every") {
            args.track.every = count(flag, 1);
        } else if (flag == "--track-at-end") {
            args.track.atEnd = true;
        } else if (flag == "--track-subset") {
            args.track.subset = count(flag, 1);
        } else if (flag == "--set") {
            const std::string assignment = valueOf(flag);
            const size_t eq = assignment.find('=');
            if (eq == std::string::npos || eq == 0)
                throw InputError("--set needs KEY=VALUE, got '" + core::excerptForMessage(assignment) + "'");
            args.overrides.emplace_back(assignment.substr(0, eq),
                                        parseValue("--set " + core::excerptForMessage(assignment.substr(0, eq)),
                                                   assignment.substr(eq + 1)));
        } else if (const auto it = shortcuts().find(flag); it != shortcuts().end()) {
            args.overrides.emplace_back(it->second, parseValue("option " + flag, valueOf(flag)));
        } else {
            throw InputError("unknown option '" + core::excerptForMessage(flag) + "' (see 'minimascope-cli --help')");
        }
    }
    if (args.command == "train" && !args.helpRequested && args.configPath.empty() == args.presetName.empty())
        throw InputError("train needs exactly one of --config FILE or --preset NAME");
    if (args.command == "analyze" && !args.helpRequested && analyze.runDir.empty())
        throw InputError("analyze needs --run DIR");
    if (args.command == "landscape" && !args.helpRequested) {
        if (landscape.runDir.empty())
            throw InputError("landscape needs --run DIR");
        if (landscape.dimensions != 1 && landscape.dimensions != 2)
            throw InputError("option --dims needs 1 or 2");
        if (landscape.split != "train" && landscape.split != "test")
            throw InputError("option --split needs train or test, got '" +
                             core::excerptForMessage(landscape.split) + "'");
    }
    if (args.command == "figures" && !args.helpRequested) {
        if (figures.runDir.empty())
            throw InputError("figures needs --run DIR");
        if (!(figures.dpi >= 24.0 && figures.dpi <= 1200.0))
            throw InputError("option --dpi needs a value between 24 and 1200");
    }
    return args;
}

void applyOverrides(nlohmann::json& config, const std::vector<std::pair<std::string, nlohmann::json>>& overrides)
{
    for (const auto& [key, value] : overrides) {
        try {
            core::applyOverride(config, key, value);
        } catch (const InputError& e) {
            throw InputError(std::string(e.what()) + " in an override");
        }
    }
}

} // namespace minimascope::cli
