#include "CliArguments.h"

#include "common/InputError.h"
#include "io/ConfigOverrides.h"
#include "io/NumberFormat.h"
#include "io/ResourceLibrary.h"
#include "io/StrictJson.h"
#include "landscape/FitnessDistance.h"
#include "train/RunConfig.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#ifndef MINIMASCOPE_VERSION
#error "MINIMASCOPE_VERSION is the CMake project version, defined in app/CMakeLists.txt"
#endif

namespace minimascope::cli {

using core::InputError;

namespace {

constexpr char kProgram[] = "minimascope-cli";

// Upper bounds of options whose cost grows with them; each far above any useful value.
constexpr int64_t kMaxResolution = 2001;   // 4 million loss evaluations for a surface
constexpr int64_t kMaxThreads = 256;       // system threads, started again at each level
constexpr int64_t kMaxConvexity = 101;     // two Lanczos solves a point
// Caps that keep a typo from asking for hours of gradients (asymmetry).
constexpr int64_t kMaxAsymmetryDirections = 10000;
constexpr int64_t kMaxAsymmetryPoints = 1001;
// fdc: one full-data loss a point; a million points is far beyond any scatter plot.
constexpr int64_t kMaxFdcPoints = 1000000;
constexpr int64_t kMaxTopK = 1000;            // each eigenpair keeps a vector as long as the parameters
constexpr int64_t kMaxSolverSteps = 100000;   // Hessian-vector products or ascent steps
constexpr int64_t kMaxWorkers = 256;          // study child processes at once
// Counts of examples, iterations or steps: int32 is what the data sets and solvers index with.
constexpr int64_t kMaxCount = std::numeric_limits<int32_t>::max();

const char* const kExitCodes = R"(Exit codes:
  0  finished (loss target, iteration or time cap reached)
  1  internal error
  2  bad input: command line, config, data files, unwritable output folder
  3  training diverged (NaN/Inf or loss above stop.divergence_loss)
  4  cancelled (Ctrl-C / SIGTERM; what was measured is written)
)";

// Shortcut flags of `train`, the config keys they set and what they are.
struct Shortcut {
    const char* flag;
    const char* key;
    const char* type;
    const char* description;
};
constexpr Shortcut kShortcuts[] = {
    {"--lr", "optimizer.lr", "X", "the learning rate eta"},
    {"--batch-size", "optimizer.batch_size", "B", "the batch size"},
    {"--optimizer", "optimizer.name", "NAME", "gd, sgd, adagrad, adam, lbfgs, sam or adahessian"},
    {"--sampling", "optimizer.sampling", "MODE", "how batches are drawn: shuffle, subset or replacement"},
    {"--seed", "seed", "S", "the seed of data, initialization and batches"},
    {"--n", "dataset.n", "N", "training examples"},
    {"--max-iterations", "stop.max_iterations", "N", "stop after N iterations"},
    {"--loss-below", "stop.loss_below", "X", "stop when the training loss is below X"},
    {"--max-seconds", "stop.max_seconds", "S", "stop after S seconds of training"},
    {"--threads", "threads", "T", "torch threads; 0 = automatic"},
    {"--snapshot-every", "schedule.snapshot_every", "K", "keep the parameters every K iterations"},
    {"--eval-every", "schedule.eval_every", "K", "evaluate the losses every K iterations"},
};

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
    const bool numeric = !text.empty() && end == text.c_str() + text.size()
                         && text.find_first_of("0123456789") != std::string::npos;
    if (numeric && (errno == ERANGE || !std::isfinite(value)))
        throw InputError(what + " needs a number a double can hold, got '" + core::excerptForMessage(text) + "'");
    return text;
}

// Exactly an integer ("12", also "1e3") in [min, max]; the range is checked before any cast, so
// that 1e30 is refused instead of wrapping.
int64_t parseInteger(const std::string& flag, const std::string& text, int64_t min, int64_t max = kMaxCount)
{
    const auto fail = [&]() -> InputError {
        return InputError("option " + flag + " needs an integer in [" + std::to_string(min) + ", " + std::to_string(max)
                          + "], got '" + core::excerptForMessage(text) + "'");
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
    if (used != text.size() || !core::isExactCount(real, min, max))
        throw fail();
    return static_cast<int64_t>(real);
}

// A finite number: stod also reads "nan" and "inf".
double parseFinite(const std::string& flag, const std::string& text)
{
    try {
        size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size() && std::isfinite(value))
            return value;
    } catch (const std::exception&) {
    }
    throw InputError("option " + flag + " needs a finite number, got '" + core::excerptForMessage(text) + "'");
}

// A finite number in (exclusiveMin, max].
double parseAbove(const std::string& flag, const std::string& text, double exclusiveMin, double max)
{
    const double value = parseFinite(flag, text);
    if (!(value > exclusiveMin && value <= max)) {
        std::ostringstream range;
        range << "option " << flag << " needs a number above " << exclusiveMin << " and at most " << max << ", got "
              << value;
        throw InputError(range.str());
    }
    return value;
}

// CLI11's help with our own usage lines ("train (--config FILE | --preset NAME) ...").
class UsageFormatter : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App* app, std::string name) const override
    {
        const auto it = m_usages.find(app);
        return it == m_usages.end() ? CLI::Formatter::make_usage(app, std::move(name))
                                    : get_label("Usage") + ": " + it->second + "\n";
    }
    void setUsage(const CLI::App* app, std::string usage) { m_usages[app] = std::move(usage); }

private:
    std::map<const CLI::App*, std::string> m_usages;
};

void setUsage(CLI::App* command, std::string usage)
{
    std::dynamic_pointer_cast<UsageFormatter>(command->get_formatter())->setUsage(command, std::move(usage));
}

// An option whose value `apply` converts and checks as soon as it is read, so that the first bad
// value on the command line is the one reported; `apply` throws InputError naming the option.
CLI::Option* addChecked(CLI::App* command, const std::string& flag, const std::string& type,
                        const std::string& description, std::function<void(const std::string&)> apply)
{
    return command->add_option_function<std::string>(flag, std::move(apply), description)
        ->type_name(type)
        ->trigger_on_parse();
}

// An integer option in [min, max] stored in `target`.
template <class Integer>
CLI::Option* addCount(CLI::App* command, const std::string& flag, const std::string& type,
                      const std::string& description, Integer& target, int64_t min, int64_t max = kMaxCount)
{
    return addChecked(command, flag, type, description, [&target, flag, min, max](const std::string& text) {
        target = static_cast<Integer>(parseInteger(flag, text, min, max));
    });
}

// --split train|test: the examples a loss is evaluated on (landscape, asymmetry).
void addSplit(CLI::App* command, std::string& target)
{
    addChecked(command, "--split", "train|test", "the examples the loss is evaluated on (default train)",
               [&target](const std::string& split) {
                   if (split != "train" && split != "test")
                       throw InputError("option --split needs train or test, got '" + core::excerptForMessage(split)
                                        + "'");
                   target = split;
               });
}

void addVerbosity(CLI::App* command, CliArguments& args)
{
    command->add_flag("-q,--quiet", args.quiet, "print only the result: no progress");
    command->add_flag("-v,--verbose", args.verbose,
                      "also print what was resolved (version, files, options) and progress\nlines more often");
}

void addJson(CLI::App* command, CliArguments& args)
{
    command->add_flag("--json", args.json,
                      "print the summary on stdout as one JSON object (the human-readable lines go to stderr)");
}

// --set KEY=VALUE: a config override (train, fdc), `example` shown in the help.
void addSet(CLI::App* command, CliArguments& args, const std::string& example)
{
    addChecked(command, "--set", "KEY=VALUE",
               "override any config key, e.g. --set " + example
                   + " (VALUE is JSON\n"
                     "when it parses as JSON, a string otherwise). Repeatable; applied in order.",
               [&args](const std::string& assignment) {
                   const size_t eq = assignment.find('=');
                   if (eq == std::string::npos || eq == 0)
                       throw InputError("--set needs KEY=VALUE, got '" + core::excerptForMessage(assignment) + "'");
                   args.overrides.emplace_back(assignment.substr(0, eq),
                                               parseValue("--set " + core::excerptForMessage(assignment.substr(0, eq)),
                                                          assignment.substr(eq + 1)));
               });
}

void addTrain(CLI::App& app, CliArguments& args)
{
    CLI::App* train = app.add_subcommand("train", "train a network from a config file or a preset");
    setUsage(train, std::string(kProgram) + " train (--config FILE | --preset NAME) [--out DIR] [OPTIONS]");
    train
        ->add_option("--config", args.configPath,
                     "run config (JSON; see docs/config.md). A run folder's config.json reruns it.")
        ->type_name("FILE");
    train->add_option("--preset", args.presetName, "a shipped preset instead of --config (see 'presets')")
        ->type_name("NAME");
    train
        ->add_option("--out", args.outDir,
                     "output folder (default: runs/<config or preset name>). It receives summary.json,\n"
                     "config.json, metrics.csv (streamed), parameters/, checkpoint/ and snapshots/;\n"
                     "a folder that holds another run is refused.")
        ->type_name("DIR");
    train->add_flag("--overwrite", args.overwrite, "replace the run in --out (removes only the files a run writes)");
    addChecked(train, "--checkpoint-every", "S",
               "save the parameters every S seconds of training (default 60; 0 = never),\n"
               "so a killed run loses at most S seconds",
               [&args](const std::string& text) {
                   args.checkpointSeconds = parseFinite("--checkpoint-every", text);
                   if (!(args.checkpointSeconds >= 0.0 && args.checkpointSeconds <= 1e7))
                       throw InputError("option --checkpoint-every needs seconds between 0 and 1e7");
               });
    addSet(train, args, "optimizer.momentum=0.9");
    for (const Shortcut& s : kShortcuts) {
        const std::string flag = s.flag, key = s.key;
        addChecked(train, flag, s.type, "= --set " + key + "=" + s.type + " (" + s.description + ")",
                   [&args, flag, key](const std::string& text) {
                       args.overrides.emplace_back(key, parseValue("option " + flag, text));
                   });
    }
    addCount(train, "--track-every", "K",
             "measure the sharpness a and the non-uniformity s every K iterations\n"
             "(and at the end), warm-started; streamed to curvature.csv",
             args.track.every, 1);
    train->add_flag("--track-at-end", args.track.atEnd,
                    "measure a and s once, on the final parameters (as in the papers)");
    addCount(train, "--track-subset", "N", "measure on the first N training examples (default: all)", args.track.subset,
             1);
    addJson(train, args);
    addVerbosity(train, args);
}

void addAnalyze(CLI::App& app, CliArguments& args)
{
    AnalyzeArguments& a = args.analyze;
    CLI::App* analyze = app.add_subcommand("analyze", "curvature of a run's final parameters or of a snapshot");
    setUsage(analyze, std::string(kProgram) + " analyze --run DIR [OPTIONS]");
    analyze->add_option("--run", a.runDir, "a run folder written by 'train' (its config.json rebuilds data and model)")
        ->type_name("DIR");
    analyze
        ->add_option("--params", a.parametersDir,
                     "parameters to analyse (default DIR/parameters; e.g. DIR/snapshots/iter_00001000)")
        ->type_name("DIR");
    analyze
        ->add_option("--quantities", a.quantities,
                     "comma-separated: sharpness, lambda_min, non_uniformity, stability, trace,\n"
                     "density, layer_sharpness (lambda_max of each layer's block of H),\n"
                     "epsilon_sharpness (Keskar et al.) (default sharpness,non_uniformity,stability)")
        ->type_name("LIST");
    addCount(analyze, "--top-k", "K", "eigenpairs of H from the top (default 1, at most 1000)", a.topK, 1, kMaxTopK);
    addCount(analyze, "--subset", "N", "use the first N training examples (default: all of the run's n)", a.subset, 1);
    addChecked(analyze, "--eta", "X", "eta of the stability verdict (default: the run's)",
               [&a](const std::string& text) { a.eta = parseAbove("--eta", text, 0.0, 1e6); });
    addCount(analyze, "--batch-size", "B",
             "B of the stability verdict (default: the run's; batches are drawn as the run's\n"
             "sampling draws them: with replacement for 'replacement', else B-subsets)",
             a.batchSize, 1);
    addChecked(analyze, "--tolerance", "X", "certify eigenvalues to |Hv - lambda v| <= X |lambda| (default 1e-3)",
               [&a](const std::string& text) { a.tolerance = parseAbove("--tolerance", text, 0.0, 1.0); });
    addCount(analyze, "--trace-samples", "K",
             "Hessian products for the trace (Hutch++: a third sketch, the rest probes; default 100)", a.traceSamples,
             1, kMaxSolverSteps);
    addCount(analyze, "--density-steps", "M", "Lanczos steps of the spectral density (default 100)", a.densitySteps, 2,
             kMaxSolverSteps);
    addChecked(analyze, "--epsilon", "X", "epsilon-sharpness box half-width X (|theta| + 1) (default 1e-3)",
               [&a](const std::string& text) { a.epsilon = parseAbove("--epsilon", text, 0.0, 1e3); });
    addCount(analyze, "--epsilon-steps", "K", "its projected ascent steps, one full gradient each (default 10)",
             a.epsilonSteps, 1, kMaxSolverSteps);
    analyze->add_flag("--naive", a.naive, "per-example loop for Sigma even where the fast exact path applies");
    analyze->add_flag("--snapshots", a.snapshots,
                      "every snapshot of the run (DIR/snapshots) and its final parameters, each into "
                      "OUT/iter_NNNNNNNN.json (OUT: --out, default DIR/spectra); 'figures' draws them over training");
    analyze->add_option("--out", a.outFile, "JSON output (default DIR/analysis.json)")->type_name("FILE");
    addJson(analyze, args);
    addVerbosity(analyze, args);
}

void addFigures(CLI::App& app, CliArguments& args)
{
    FiguresArguments& f = args.figures;
    CLI::App* figures = app.add_subcommand("figures", "the plots of a run, headless (the 2D plots need no display)");
    setUsage(figures, std::string(kProgram) + " figures --run DIR [OPTIONS]\n       " + kProgram
                          + " figures --overlay DIR --overlay DIR... [--curve NAME] [--spectra] --out DIR [OPTIONS]");
    figures->add_option("--run", f.runDir, "a run folder written by 'train' (metrics, curvature.json, analysis.json)")
        ->type_name("DIR");
    figures
        ->add_option("--out", f.outDir,
                     "output folder (default DIR/figures): loss, sharpness, stability and spectrum\n"
                     "plots in each format, the data behind each as CSV, and figure-sheet.pdf")
        ->type_name("DIR");
    figures
        ->add_option("--surface", f.surfacePath,
                     "also render this surface (from 'landscape') in 3D to surface.png;\n"
                     "3D rendering needs an X server (run under xvfb-run on a server)")
        ->type_name("FILE.vts");
    addChecked(figures, "--size", "WxH", "image size in pixels (default 1200x800)", [&f](const std::string& size) {
        int w = 0, h = 0;
        char tail = 0;
        if (std::sscanf(size.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 16 || h < 16 || w > 16384 || h > 16384)
            throw InputError("option --size needs WxH between 16 and 16384 pixels, got '"
                             + core::excerptForMessage(size) + "'");
        f.width = w;
        f.height = h;
    });
    addChecked(figures, "--dpi", "D", "text and line scale of the images (default 96 = as on screen)",
               [&f](const std::string& text) {
                   f.dpi = parseFinite("--dpi", text);
                   if (!(f.dpi >= 24.0 && f.dpi <= 1200.0))
                       throw InputError("option --dpi needs a value between 24 and 1200");
               });
    figures->add_option("--formats", f.formats, "comma-separated: png, svg, pdf (default all three)")
        ->type_name("LIST");
    addChecked(figures, "--overlay", "DIR",
               "instead of --run: several runs on one figure (repeatable, in legend order),\n"
               "with --curve and/or --spectra, into --out (docs/landscape.md)",
               [&f](const std::string& dir) { f.overlayDirs.push_back(dir); });
    addChecked(figures, "--label", "TEXT", "legend name of each --overlay run, in order (default: the folder's name)",
               [&f](const std::string& label) { f.labels.push_back(label); });
    addChecked(figures, "--curve", "NAME",
               "with --overlay: the 1D landscape DIR/NAME.vts of every run on one figure,\n"
               "OUT/NAME.png etc. (e.g. landscape_scale); repeatable",
               [&f](const std::string& name) {
                   if (name.empty() || name.find('/') != std::string::npos)
                       throw InputError("option --curve needs a landscape's file name in the run folder (no '/'), "
                                        "got '"
                                        + core::excerptForMessage(name) + "'");
                   f.curves.push_back(name);
               });
    figures->add_flag("--spectra", f.spectra,
                      "with --overlay: each run's Hessian spectral density on one figure, OUT/spectra.png\n"
                      "etc. (the last of DIR/spectra from 'analyze --snapshots', else DIR/analysis.json)");
    addCount(figures, "--spectra-at", "N",
             "with --spectra: the analyses of iteration N in DIR/spectra (default: the last)", f.spectraAt, 0);
    addVerbosity(figures, args);
}

void addLandscape(CLI::App& app, CliArguments& args)
{
    LandscapeArguments& l = args.landscape;
    CLI::App* landscape = app.add_subcommand("landscape",
                                             "a loss surface or curve around a run's parameters (docs/landscape.md)");
    setUsage(landscape, std::string(kProgram) + " landscape --run DIR [OPTIONS]");
    landscape
        ->add_option("--run", l.runDir, "a run folder written by 'train' (its config.json rebuilds data and model)")
        ->type_name("DIR");
    landscape
        ->add_option("--params", l.parametersDir,
                     "the centre (default DIR/parameters; e.g. DIR/snapshots/iter_00001000)")
        ->type_name("DIR");
    landscape
        ->add_option("--directions", l.directions,
                     "random (seeded Gaussian, normalized; default), eigen (top Hessian\n"
                     "eigenvectors), gradient (the unit full-batch gradient; with --dims 2\n"
                     "the top Hessian eigenvector second), pca (principal plane of\n"
                     "DIR/snapshots, path exported too), interpolate (the line to --to,\n"
                     "alpha = 1 lands on it; 1D), barycentric (the triangle of the centre\n"
                     "and two --to solutions; points outside it are NaN), bilinear (the\n"
                     "centre = (0,0) and three --to solutions at (1,0), (0,1), (1,1)),\n"
                     "permutation (the line to the MLP's symmetric twin; 1D), scale (the\n"
                     "weight vector itself, loss at alpha * theta, Im et al.; 1D)")
        ->type_name("KIND");
    addChecked(landscape, "--to", "DIR",
               "another solution's parameters (e.g. another run's parameters/);\n"
               "once for interpolate, twice for barycentric, three times for bilinear",
               [&l](const std::string& dir) { l.toDirs.push_back(dir); });
    addChecked(landscape, "--range", "A,B",
               "alpha and beta from A to B (default -1,1; interpolate -0.5,1.5;\n"
               "barycentric, bilinear and permutation 0,1; scale 0,2; pca fits the\n"
               "projected path)",
               [&l](const std::string& range) {
                   double lo = 0, hi = 0;
                   char tail = 0;
                   // Coordinates are multiples of directions as long as the parameters: beyond 1e6
                   // every loss is inf or NaN in float32.
                   if (std::sscanf(range.c_str(), "%lf,%lf%c", &lo, &hi, &tail) != 2 || !std::isfinite(lo)
                       || !std::isfinite(hi) || !(lo < hi) || lo < -1e6 || hi > 1e6)
                       throw InputError("option --range needs A,B with -1e6 <= A < B <= 1e6, got '"
                                        + core::excerptForMessage(range) + "'");
                   l.rangeMin = lo;
                   l.rangeMax = hi;
                   l.rangeGiven = true;
               });
    addCount(landscape, "--resolution", "N", "points a side (default 51, at most 2001)", l.resolution, 2,
             kMaxResolution);
    addChecked(landscape, "--dims", "1|2", "a curve along the first direction or a surface (default 2)",
               [&l](const std::string& text) {
                   l.dimensions = parseInteger("--dims", text, 1);
                   if (l.dimensions != 1 && l.dimensions != 2)
                       throw InputError("option --dims needs 1 or 2");
               });
    landscape
        ->add_option("--normalization", l.normalization, "filter, layer or none for random directions (default filter)")
        ->type_name("MODE");
    landscape->add_flag("--keep-bias-bn", l.keepBiasAndBatchNorm,
                        "keep biases and BatchNorm parameters in random directions (default zeroed)");
    landscape->add_flag("--orthogonalize", l.orthogonalize,
                        "make the second random (or gradient's eigenvector) direction orthogonal to the first");
    addChecked(landscape, "--seed", "S", "seed of the random directions (default: the run's)",
               [&l](const std::string& text) {
                   l.seed = static_cast<uint64_t>(parseInteger("--seed", text, 0, std::numeric_limits<int64_t>::max()));
                   l.seedGiven = true;
               });
    addCount(landscape, "--subset", "N", "evaluate on the first N examples (default: all)", l.subset, 1);
    addSplit(landscape, l.split);
    addCount(landscape, "--threads", "T", "evaluation threads (default 0 = both cores)", l.threads, 0, kMaxThreads);
    landscape
        ->add_option("--out", l.outPrefix,
                     "output prefix: PREFIX.vts, .csv, .npy and .json (default DIR/landscape_<KIND>)")
        ->type_name("PREFIX");
    addCount(landscape, "--convexity", "N",
             "also an N x N map of |lambda_min/lambda_max| of H (Li et al.), two Lanczos\n"
             "solves a point (default none, at most 101)",
             l.convexity, 2, kMaxConvexity);
    landscape->add_flag("--recompute-bn", l.recomputeBatchNorm,
                        "recompute BatchNorm statistics at each point (on the training subset) before\n"
                        "evaluating in eval mode; default: the stored running statistics");
    addChecked(landscape, "--vary", "NAMES",
               "random directions move only the parameters whose names start with one of\n"
               "these (comma-separated, e.g. linear0 for an MLP's first layer: weight and\n"
               "bias); the others stay at the centre (default: all)",
               [&l](const std::string& text) {
                   l.vary.clear();
                   std::string word;
                   for (size_t i = 0; i <= text.size(); ++i) {
                       if (i < text.size() && text[i] != ',') {
                           word += text[i];
                           continue;
                       }
                       if (word.empty())
                           throw InputError("option --vary needs comma-separated parameter names, got '"
                                            + core::excerptForMessage(text) + "'");
                       l.vary.push_back(word);
                       word.clear();
                   }
               });
    addChecked(
        landscape, "--plateau-tolerance", "X",
        "a point is flat when its in-plane slope is below X times the slope of a ramp\n"
        "climbing the grid's whole loss range across it; the flat points above the\n"
        "lowest tenth of the range are plateaus, counted in the .json (default 0.01)",
        [&l](const std::string& text) { l.plateauTolerance = parseAbove("--plateau-tolerance", text, 0.0, 1e6); });
    addJson(landscape, args);
    addVerbosity(landscape, args);
}

void addAsymmetry(CLI::App& app, CliArguments& args)
{
    AsymmetryArguments& a = args.asymmetry;
    CLI::App* asymmetry = app.add_subcommand(
        "asymmetry", "the asymmetric-valley scan of He, Huang & Yuan at a run's parameters (docs/landscape.md)");
    setUsage(asymmetry, std::string(kProgram) + " asymmetry --run DIR [OPTIONS]");
    asymmetry
        ->add_option("--run", a.runDir, "a run folder written by 'train' (its config.json rebuilds data and model)")
        ->type_name("DIR");
    asymmetry->add_option("--params", a.parametersDir, "the point scanned (default DIR/parameters)")->type_name("DIR");
    addCount(asymmetry, "--count", "K", "random directions scanned (default 10, at most 10000)", a.count, 1,
             kMaxAsymmetryDirections);
    addCount(asymmetry, "--points", "M", "distances sampled on each side (default 10, at most 1001)", a.points, 2,
             kMaxAsymmetryPoints);
    addChecked(asymmetry, "--range", "ZETA,R",
               "the distances sampled, in units of the direction: from ZETA to R (default 0.1,1)",
               [&a](const std::string& range) {
                   double zeta = 0, radius = 0;
                   char tail = 0;
                   if (std::sscanf(range.c_str(), "%lf,%lf%c", &zeta, &radius, &tail) != 2 || !(zeta > 0.0)
                       || !(radius > zeta) || !(radius <= 1e6))
                       throw InputError("option --range needs ZETA,R with 0 < ZETA < R <= 1e6, got '"
                                        + core::excerptForMessage(range) + "'");
                   a.zeta = zeta;
                   a.radius = radius;
               });
    addChecked(asymmetry, "--p", "P",
               "the flat side's slope bound p of the (r, p, c, zeta)-asymmetry test\n(default 0: any p that works)",
               [&a](const std::string& text) { a.p = parseFinite("--p", text); });
    addChecked(asymmetry, "--c", "C", "the sharp side's slope must exceed c p (default 2, above 1)",
               [&a](const std::string& text) { a.c = parseAbove("--c", text, 1.0, 1e6); });
    addChecked(asymmetry, "--normalization", "MODE", "filter, layer or none (default filter)",
               [&a](const std::string& mode) {
                   if (mode != "filter" && mode != "layer" && mode != "none")
                       throw InputError("option --normalization needs filter, layer or none, got '"
                                        + core::excerptForMessage(mode) + "'");
                   a.normalization = mode;
               });
    asymmetry->add_flag("--keep-bias-bn", a.keepBiasAndBatchNorm,
                        "keep biases and BatchNorm parameters in the directions (default zeroed)");
    addChecked(asymmetry, "--seed", "S", "seed of the directions (default: the run's)", [&a](const std::string& text) {
        a.seed = static_cast<uint64_t>(parseInteger("--seed", text, 0, std::numeric_limits<int64_t>::max()));
        a.seedGiven = true;
    });
    addCount(asymmetry, "--subset", "N", "evaluate on the first N examples (default: all)", a.subset, 1);
    addSplit(asymmetry, a.split);
    addCount(asymmetry, "--threads", "T", "evaluation threads (default 0 = both cores)", a.threads, 0, kMaxThreads);
    asymmetry
        ->add_option("--out", a.outPrefix,
                     "output prefix: PREFIX.json (everything) and PREFIX.csv (the 1D curves)\n"
                     "(default DIR/asymmetry)")
        ->type_name("PREFIX");
    addVerbosity(asymmetry, args);
}

void addFdc(CLI::App& app, CliArguments& args)
{
    FdcArguments& f = args.fdc;
    CLI::App* fdc = app.add_subcommand(
        "fdc", "fitness-distance correlation around the teacher of a teacher-student config (docs/landscape.md)");
    setUsage(fdc, std::string(kProgram) + " fdc (--config FILE | --preset NAME) [OPTIONS]");
    fdc->add_option("--config", args.configPath,
                    "a run config on the teacher-student data set whose model has the teacher's\n"
                    "architecture (a run folder's config.json works too)")
        ->type_name("FILE");
    fdc->add_option("--preset", args.presetName, "a shipped preset instead of --config (e.g. teacher-student-small)")
        ->type_name("NAME");
    addSet(fdc, args, "dataset.noise=0");
    addChecked(fdc, "--distances", "LIST|A:B:K",
               "distances |w - w*| from the teacher's weights, in parameter units: D1,D2,...\n"
               "or K evenly spaced from A to B (default "
                   + f.distancesText + ")",
               [&f](const std::string& text) {
                   try {
                       f.distances = core::parseFitnessDistances(text);
                   } catch (const InputError& e) {
                       throw InputError(std::string("option --distances: ") + e.what());
                   }
                   f.distancesText = text;
               });
    addCount(fdc, "--samples", "K", "random directions (points) per distance (default 20)", f.samples, 1,
             kMaxFdcPoints);
    addChecked(fdc, "--seed", "S", "seed of the directions (default: the config's)", [&f](const std::string& text) {
        f.seed = static_cast<uint64_t>(parseInteger("--seed", text, 0, std::numeric_limits<int64_t>::max()));
        f.seedGiven = true;
    });
    addCount(fdc, "--subset", "N", "evaluate on the first N training examples (default: all)", f.subset, 1);
    addCount(fdc, "--threads", "T", "evaluation threads (default 0 = both cores)", f.threads, 0, kMaxThreads);
    fdc->add_option("--out", f.outPrefix,
                    "output prefix: PREFIX.json (everything, with r), PREFIX.csv (the scatter:\n"
                    "distance, seed, loss) and the figure PREFIX.png (--formats)\n"
                    "(default runs/<config or preset name>-fdc)")
        ->type_name("PREFIX");
    fdc->add_option("--formats", f.formats,
                    "formats of the figure, comma-separated: png, svg, pdf (default png);\n"
                    "builds with the GUI libraries only")
        ->type_name("LIST");
    addVerbosity(fdc, args);
}

void addStudy(CLI::App& app, CliArguments& args)
{
    StudyArguments& s = args.study;
    CLI::App* study = app.add_subcommand("study",
                                         "many runs as child processes, their table and export (docs/studies.md)");
    setUsage(study, std::string(kProgram) + " study (run | status | export | run-one) ...");
    addVerbosity(study, args);

    CLI::App* run = study->add_subcommand(
        "run", "train every point of the study file that DIR does not hold yet, each in its own process,\n"
               "K at a time, and measure a, s and the stability verdict at its end. Run it again to\n"
               "resume (without --config: the study DIR was last run with); Ctrl-C stops, and the runs\n"
               "in flight are redone next time.");
    setUsage(run, std::string(kProgram) + " study run [--config FILE] --out DIR [OPTIONS]");
    run->add_option("--config", s.configPath, "the study file (docs/studies.md); needed for a new study")
        ->type_name("FILE");
    run->add_option("--out", s.dir, "the study folder: study.sqlite and runs/")->type_name("DIR");
    addCount(run, "--workers", "K", "child processes at once (default: one per core)", s.workers, 1, kMaxWorkers);
    addCount(run, "--threads", "T", "torch threads of each child (default: the cores shared)", s.threadsPerWorker, 1,
             kMaxThreads);
    run->add_flag("--retry-failed", s.retryFailed, "run the points that failed before again");
    addVerbosity(run, args);

    CLI::App* status = study->add_subcommand("status", "the table of runs: state, a, s, losses, why each stopped");
    setUsage(status, std::string(kProgram) + " study status DIR");
    status->add_option("dir", s.dir, "the study folder")->type_name("DIR");
    addVerbosity(status, args);

    CLI::App* exportCommand = study->add_subcommand("export", "the study's runs as CSV, one row per run");
    setUsage(exportCommand, std::string(kProgram) + " study export DIR --csv FILE");
    exportCommand->add_option("dir", s.dir, "the study folder")->type_name("DIR");
    exportCommand->add_option("--csv", s.csvPath, "the CSV file to write")->type_name("FILE");
    addVerbosity(exportCommand, args);

    CLI::App* runOne = study->add_subcommand("run-one", "what each child process of 'study run' runs (internal)");
    setUsage(runOne, std::string(kProgram) + " study run-one RUNDIR");
    runOne->add_option("rundir", s.dir, "the run folder 'study run' prepared")->type_name("RUNDIR");
    addVerbosity(runOne, args);
}

void addReproduce(CLI::App& app, CliArguments& args)
{
    ReproduceArguments& r = args.reproduce;
    CLI::App* reproduce = app.add_subcommand(
        "reproduce", "one of the seed papers' studies end to end into a folder: the study (resumable), its CSV,\n"
                     "the stability diagrams with their data, and a README (docs/reproductions.md)");
    setUsage(reproduce, std::string(kProgram) + " reproduce (NAME [--quick] --out DIR [OPTIONS] | --list)");
    reproduce->add_option("name", r.name, "the reproduction (see --list)")->type_name("NAME");
    reproduce->add_flag("--list", r.list, "list the reproductions, with the points of their quick and full studies");
    reproduce->add_flag("--quick", r.quick,
                        "the quick study (NAME-quick.json: a smaller grid, minutes) instead of the full one");
    reproduce
        ->add_option("--out", r.dir,
                     "the folder: study/ (the study folder; run again to resume), study.csv,\n"
                     "figures/ (PNG with the CSV of each) and README.md")
        ->type_name("DIR");
    addCount(reproduce, "--workers", "K", "runs at once (default: one per core)", r.workers, 1, kMaxWorkers);
    reproduce->add_flag("--overwrite", r.overwrite, "remove what an earlier reproduce wrote in DIR and start again");
    // For tests (docs/reproductions.md), hence not in --help: the same command on a smaller study.
    addChecked(reproduce, "--shrink", "P,I[,N]", "keep P points, at most I iterations and N examples each",
               [&r](const std::string& text) {
                   std::vector<std::string> parts{""};
                   for (const char c : text) {
                       if (c == ',')
                           parts.emplace_back();
                       else
                           parts.back() += c;
                   }
                   if (parts.size() < 2 || parts.size() > 3)
                       throw InputError("option --shrink needs POINTS,ITERATIONS[,EXAMPLES], got '"
                                        + core::excerptForMessage(text) + "'");
                   r.shrinkPoints = parseInteger("--shrink POINTS", parts[0], 1);
                   r.shrinkIterations = parseInteger("--shrink ITERATIONS", parts[1], 1);
                   r.shrinkExamples = parts.size() == 3 ? parseInteger("--shrink EXAMPLES", parts[2], 1) : 0;
               })
        ->group("");
    addVerbosity(reproduce, args);
}

// Levenshtein distance, for "did you mean".
size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// " (did you mean 'X'?)" for the candidate nearest `word`, when it is near enough to be a typo.
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates)
{
    std::string best;
    size_t bestDistance = std::numeric_limits<size_t>::max();
    for (const std::string& candidate : candidates) {
        const size_t distance = editDistance(word, candidate);
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    const size_t allowed = std::max<size_t>(2, word.size() / 3);
    return bestDistance <= allowed ? " (did you mean '" + best + "'?)" : std::string();
}

std::vector<std::string> optionNames(const CLI::App& command)
{
    std::vector<std::string> names;
    for (const CLI::Option* option : command.get_options()) {
        for (const std::string& name : option->get_lnames())
            names.push_back("--" + name);
        for (const std::string& name : option->get_snames())
            names.push_back("-" + name);
    }
    return names;
}

std::vector<std::string> subcommandNames(const CLI::App& command)
{
    std::vector<std::string> names;
    for (const CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; }))
        names.push_back(sub->get_name());
    return names;
}

// The words a command did not recognise: an unknown option (with the nearest known one) or an
// extra argument.
void refuseExtras(const CLI::App& command, const std::string& path)
{
    const std::vector<std::string> extras = command.remaining();
    if (extras.empty())
        return;
    const std::string& word = extras.front();
    const std::string help = " (see '" + std::string(kProgram) + (path.empty() ? "" : " " + path) + " --help')";
    if (word.size() > 1 && word[0] == '-') {
        const std::string name = word.substr(0, word.find('='));
        throw InputError("unknown option '" + core::excerptForMessage(name) + "'" + (path.empty() ? "" : " for " + path)
                         + didYouMean(name, optionNames(command)) + help);
    }
    const std::vector<std::string> subcommands = subcommandNames(command);
    if (!subcommands.empty()) {
        std::string list;
        for (size_t i = 0; i < subcommands.size(); ++i)
            list += (i == 0 ? "" : i + 1 == subcommands.size() ? " or " : ", ") + subcommands[i];
        throw InputError("unknown command '" + core::excerptForMessage(word) + "' (expected " + list + ")"
                         + didYouMean(word, subcommands) + help);
    }
    throw InputError("unexpected argument '" + core::excerptForMessage(word) + "'"
                     + (path.empty() ? "" : " for " + path) + help);
}

// What each command needs beyond its options' own checks.
void checkRequired(const CliArguments& args)
{
    if (args.command == "train" && args.configPath.empty() == args.presetName.empty())
        throw InputError("train needs exactly one of --config FILE or --preset NAME");
    if (args.command == "analyze" && args.analyze.runDir.empty())
        throw InputError("analyze needs --run DIR");
    if (args.command == "landscape" && args.landscape.runDir.empty())
        throw InputError("landscape needs --run DIR");
    if (args.command == "asymmetry" && args.asymmetry.runDir.empty())
        throw InputError("asymmetry needs --run DIR");
    if (args.command == "fdc") {
        if (args.configPath.empty() == args.presetName.empty())
            throw InputError("fdc needs exactly one of --config FILE or --preset NAME");
        const auto distances = static_cast<int64_t>(args.fdc.distances.size());
        if (distances * args.fdc.samples > kMaxFdcPoints)
            throw InputError("options --distances and --samples ask for " + std::to_string(distances) + " x "
                             + std::to_string(args.fdc.samples) + " points, at most " + std::to_string(kMaxFdcPoints));
    }
    if (args.command == "figures") {
        const FiguresArguments& f = args.figures;
        if (f.runDir.empty() == f.overlayDirs.empty())
            throw InputError("figures needs --run DIR, or --overlay DIR for each run to draw on one figure");
        if (f.overlayDirs.empty() && (!f.labels.empty() || !f.curves.empty() || f.spectra || f.spectraAt >= 0))
            throw InputError("--label, --curve, --spectra and --spectra-at go with --overlay");
        if (!f.overlayDirs.empty()) {
            if (!f.surfacePath.empty())
                throw InputError("--surface draws one run's surface: not with --overlay");
            if (f.outDir.empty())
                throw InputError("figures --overlay needs --out DIR (the figures of several runs have no run folder)");
            if (f.curves.empty() && !f.spectra)
                throw InputError("figures --overlay needs --curve NAME and/or --spectra (what to draw)");
            if (!f.labels.empty() && f.labels.size() != f.overlayDirs.size())
                throw InputError("figures --overlay: " + std::to_string(f.labels.size()) + " --label for "
                                 + std::to_string(f.overlayDirs.size()) + " --overlay runs (give one each, or none)");
            if (f.spectraAt >= 0 && !f.spectra)
                throw InputError("--spectra-at goes with --spectra");
        }
    }
    if (args.command == "reproduce" && !args.reproduce.list
        && (args.reproduce.name.empty() || args.reproduce.dir.empty()))
        throw InputError("reproduce needs NAME and --out DIR (or --list) (see 'minimascope-cli reproduce --help')");
    if (args.command != "study")
        return;
    const StudyArguments& s = args.study;
    const std::string help = " (see 'minimascope-cli study --help')";
    if (s.action.empty())
        throw InputError("study needs a command: run, status, export or run-one" + help);
    if (s.action == "run" && s.dir.empty())
        throw InputError("study run needs --out DIR (and --config FILE for a new study)" + help);
    if (s.action == "status" && s.dir.empty())
        throw InputError("study status needs the study folder" + help);
    if (s.action == "export" && (s.dir.empty() || s.csvPath.empty()))
        throw InputError("study export needs DIR --csv FILE" + help);
    if (s.action == "run-one" && s.dir.empty())
        throw InputError("study run-one needs the run folder" + help);
}

}   // namespace

std::string versionText() { return std::string(kProgram) + " " + MINIMASCOPE_VERSION; }

CliArguments parseArguments(int argc, char** argv)
{
    return parseArgumentWords(std::vector<std::string>(argv + 1, argv + argc));
}

CliArguments parseArgumentWords(std::vector<std::string> words)
{
    CliArguments args;
    if (words.empty())
        throw InputError("no command given (try 'minimascope-cli --help')");
    // `help` and `help COMMAND...` as `--help` and `COMMAND... --help`.
    if (words[0] == "help") {
        words.erase(words.begin());
        words.emplace_back("--help");
    }

    CLI::App app("minimascope-cli: train networks and measure why SGD finds flat minima.", kProgram);
    app.formatter(std::make_shared<UsageFormatter>());
    app.set_help_flag("-h,--help", "print this help and exit");
    app.set_version_flag("--version", versionText(), "print the version and exit");
    app.set_help_all_flag("--help-all", "print the help of every command and exit");
    app.allow_extras();
    // A repeated option keeps its last value, as the command line reads.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    addTrain(app, args);
    addAnalyze(app, args);
    addFigures(app, args);
    addLandscape(app, args);
    addAsymmetry(app, args);
    addFdc(app, args);
    CLI::App* presets = app.add_subcommand("presets", "list the shipped presets, each with what it shows");
    addVerbosity(presets, args);
    CLI::App* demos = app.add_subcommand("demos", "list the teaching demos: name, seconds, title");
    addVerbosity(demos, args);
    addStudy(app, args);
    addReproduce(app, args);
    app.footer(std::string("Every command takes --help, e.g. 'minimascope-cli train --help'.\n"
                           "Progress goes to stderr: a bar with ETA on a terminal, plain lines otherwise.\n"
                           "Ctrl-C stops the run cleanly and still writes what was measured.\n\n")
               + kExitCodes);
    for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
        command->allow_extras();
        command->footer(kExitCodes);
        for (CLI::App* sub : command->get_subcommands([](CLI::App*) { return true; })) {
            sub->allow_extras();
            sub->footer(kExitCodes);
        }
    }

    // CLI11 reads the words last to first.
    std::vector<std::string> reversed(words.rbegin(), words.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::Success& e) {   // --help, --help-all, --version
        std::ostringstream out, err;
        app.exit(e, out, err);
        args.command = "help";
        args.helpText = out.str();
        return args;
    } catch (const CLI::ParseError& e) {
        throw InputError(e.what() + std::string(" (see 'minimascope-cli --help')"));
    }

    const std::vector<CLI::App*> chosen = app.get_subcommands();
    if (chosen.empty()) {
        refuseExtras(app, "");
        throw InputError("no command given (try 'minimascope-cli --help')");
    }
    CLI::App* command = chosen.front();
    args.command = command->get_name();
    refuseExtras(*command, args.command);
    if (args.command == "study" && !command->get_subcommands().empty()) {
        CLI::App* action = command->get_subcommands().front();
        args.study.action = action->get_name();
        refuseExtras(*action, "study " + args.study.action);
    }
    if (args.quiet && args.verbose)
        throw InputError("--quiet and --verbose exclude each other");
    if (args.command == "fdc" && args.fdc.distances.empty())
        args.fdc.distances = core::parseFitnessDistances(args.fdc.distancesText);
    checkRequired(args);
    return args;
}

core::RunConfig loadRunConfig(const CliArguments& args, std::string& configPath)
{
    configPath = args.presetName.empty() ? args.configPath : core::findResource("presets", args.presetName);
    nlohmann::json document = core::parseStrictJson(core::readWholeFile(configPath), configPath);
    for (const auto& [key, value] : args.overrides) {
        try {
            core::applyOverride(document, key, value);
        } catch (const InputError& e) {
            throw InputError(std::string(e.what()) + " in an override");
        }
    }
    try {
        return core::RunConfig::fromJson(document);
    } catch (const InputError& e) {
        throw InputError(configPath + ": " + e.what());
    }
}

}   // namespace minimascope::cli
