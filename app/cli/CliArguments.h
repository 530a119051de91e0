#pragma once
// The command line of minimascope-cli (CLI11), parsed into plain values. Parsing never exits or
// prints: errors throw InputError with the message to show (exit code 2); --help and --version
// come back as command "help" with the text to print (exit code 0).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace minimascope::core {
struct RunConfig;
}

namespace minimascope::cli {

// Options of `analyze`.
struct AnalyzeArguments {
    std::string runDir;          // --run
    std::string parametersDir;   // --params (default: RUN/parameters)
    std::string quantities = "sharpness,non_uniformity,stability";
    int64_t subset = 0;   // --subset: first N training examples; 0 = all
    int64_t topK = 1;
    double eta = 0.0;        // 0 = the run's
    int64_t batchSize = 0;   // 0 = the run's
    double tolerance = 1e-3;
    int64_t traceSamples = 100;
    int64_t densitySteps = 100;
    double epsilon = 1e-3;       // epsilon-sharpness box: eps (|theta| + 1)
    int64_t epsilonSteps = 10;   // its ascent steps
    bool naive = false;
    bool snapshots = false;   // --snapshots: every snapshot and the end, into a folder
    std::string outFile;      // --out (default: RUN/analysis.json; RUN/spectra with --snapshots)
};

// Options of `figures`.
struct FiguresArguments {
    std::string runDir;                    // --run
    std::string outDir;                    // --out (default: RUN/figures)
    std::string surfacePath;               // --surface FILE.vts (from 'landscape'); optional
    int width = 1200, height = 800;        // --size WxH, pixels
    double dpi = 96.0;                     // --dpi
    std::string formats = "png,svg,pdf";   // --formats
    // Several runs on one figure (instead of --run): the same 1D landscape of each (--curve NAME:
    // RUN/NAME.vts) and/or each run's Hessian spectral density (--spectra), into --out.
    std::vector<std::string> overlayDirs;   // --overlay DIR, repeatable
    std::vector<std::string> labels;        // --label TEXT, repeatable: legend names in --overlay order
    std::vector<std::string> curves;        // --curve NAME, repeatable
    bool spectra = false;                   // --spectra
    int64_t spectraAt = -1;                 // --spectra-at N: the analysis at iteration N (-1 = the last)
};

// Options of `landscape`.
struct LandscapeArguments {
    std::string runDir;                       // --run
    std::string parametersDir;                // --params (default: RUN/parameters): the centre
    std::string directions = "random";        // --directions random|eigen|gradient|pca|interpolate|
                                              // barycentric|bilinear|permutation|scale
    std::vector<std::string> toDirs;          // --to DIR, repeatable: the other solutions (interpolate 1,
                                              // barycentric 2, bilinear 3)
    double rangeMin = -1.0, rangeMax = 1.0;   // --range A,B (both axes)
    bool rangeGiven = false;                  // else: pca fits the path, interpolate -0.5,1.5, barycentric,
                                              // bilinear and permutation 0,1, scale 0,2
    int64_t resolution = 51;                  // --resolution N points a side
    int64_t dimensions = 2;                   // --dims 1|2 (interpolate is always 1)
    std::string normalization = "filter";     // --normalization filter|layer|none (random)
    bool keepBiasAndBatchNorm = false;        // --keep-bias-bn
    bool orthogonalize = false;               // --orthogonalize (random)
    uint64_t seed = 0;                        // --seed (default: the run's)
    bool seedGiven = false;
    int64_t subset = 0;                // --subset: first N examples; 0 = all
    std::string split = "train";       // --split train|test
    int threads = 0;                   // --threads (0 = both cores)
    std::string outPrefix;             // --out PREFIX (default RUN/landscape_<directions>)
    int64_t convexity = 0;             // --convexity N: an N x N convexity map too (0 = none)
    bool recomputeBatchNorm = false;   // --recompute-bn: BatchNorm statistics recomputed at each point
    double plateauTolerance = 0.01;    // --plateau-tolerance: flat below this share of the range's ramp
    std::vector<std::string> vary;     // --vary PREFIX,...: random directions only in these parameters
};

// Options of `asymmetry` (the asymmetric-valley scan, core/landscape/AsymmetricValleys.h).
struct AsymmetryArguments {
    std::string runDir;                     // --run
    std::string parametersDir;              // --params (default: RUN/parameters)
    int64_t count = 10;                     // --count K directions
    int64_t points = 10;                    // --points M distances a side
    double zeta = 0.1, radius = 1.0;        // --range ZETA,R: distances, in units of the direction
    double p = 0.0;                         // --p (0 = any p)
    double c = 2.0;                         // --c
    std::string normalization = "filter";   // --normalization filter|layer|none
    bool keepBiasAndBatchNorm = false;      // --keep-bias-bn
    uint64_t seed = 0;                      // --seed (default: the run's)
    bool seedGiven = false;
    int64_t subset = 0;            // --subset: first N examples; 0 = all
    std::string split = "train";   // --split train|test
    int threads = 0;               // --threads (0 = both cores)
    std::string outPrefix;         // --out PREFIX (default RUN/asymmetry)
};

// Options of `fdc` (fitness-distance correlation around the teacher of a teacher-student config,
// core/landscape/FitnessDistance.h); the config comes from CliArguments' --config / --preset / --set.
struct FdcArguments {
    std::vector<double> distances;           // --distances LIST or A:B:K (empty = the default below)
    std::string distancesText = "0:20:21";   // as given, for the recompute line
    int64_t samples = 20;                    // --samples K points per distance
    uint64_t seed = 0;                       // --seed (default: the config's)
    bool seedGiven = false;
    int64_t subset = 0;            // --subset: first N training examples; 0 = all
    int threads = 0;               // --threads (0 = both cores)
    std::string outPrefix;         // --out PREFIX (default runs/<config or preset name>-fdc)
    std::string formats = "png";   // --formats of the figure PREFIX.FORMAT (builds with the GUI libraries)
};

// Curvature tracking during `train` (--track-every, --track-at-end, --track-subset).
struct TrackArguments {
    int64_t every = 0;   // 0 = not during the run
    bool atEnd = false;
    int64_t subset = 0;   // first N training examples; 0 = all
};

// Options of `study run|status|export|run-one`.
struct StudyArguments {
    std::string action;         // "run", "status", "export" or "run-one"
    std::string configPath;     // run: --config
    std::string dir;            // run: --out; status, export: the study folder; run-one: the run folder
    std::string csvPath;        // export: --csv
    int workers = 0;            // run: --workers (0 = one per core)
    int threadsPerWorker = 0;   // run: --threads (0 = the cores shared)
    bool retryFailed = false;   // run: --retry-failed
};

// Options of `reproduce`.
struct ReproduceArguments {
    std::string name;         // the reproduction (a study file NAME.json with NAME-quick.json)
    bool quick = false;       // --quick: NAME-quick.json
    bool list = false;        // --list: the names, nothing run
    std::string dir;          // --out
    int workers = 0;          // --workers (0 = one per core)
    bool overwrite = false;   // --overwrite: start again in DIR
    // --shrink POINTS,ITERATIONS[,EXAMPLES] (for tests; core::StudyShrink): 0 = not shrunk.
    int64_t shrinkPoints = 0, shrinkIterations = 0, shrinkExamples = 0;
};

struct CliArguments {
    std::string command;   // "train", "analyze", "figures", "landscape", "asymmetry", "fdc",
                           // "presets", "demos", "study", "reproduce" or "help"
    AnalyzeArguments analyze;
    FiguresArguments figures;
    LandscapeArguments landscape;
    AsymmetryArguments asymmetry;
    FdcArguments fdc;
    TrackArguments track;
    StudyArguments study;
    ReproduceArguments reproduce;
    std::string configPath;                                          // --config (train, fdc)
    std::string presetName;                                          // --preset (train, fdc)
    std::string outDir;                                              // --out
    std::vector<std::pair<std::string, nlohmann::json>> overrides;   // --set (train, fdc) and train's shortcut flags
    bool overwrite = false;                                          // train: replace the run in --out
    double checkpointSeconds = 60.0;                                 // train: --checkpoint-every SECONDS (0 = none)
    bool quiet = false;     // every command: --quiet (only the result on stdout)
    bool verbose = false;   // every command: --verbose (what was resolved, more progress)
    bool json = false;      // train, analyze, landscape: the summary on stdout as JSON
    std::string helpText;   // command "help": --help or --version output
};

// The version of both programs, from the CMake project version.
std::string versionText();

CliArguments parseArguments(int argc, char** argv);
// The same for the words after the program's name (reproduce's follow-up commands).
CliArguments parseArgumentWords(std::vector<std::string> words);

// The run config --config FILE or --preset NAME names, with the --set overrides applied, validated;
// `configPath` receives the file it came from (for messages and default output names).
core::RunConfig loadRunConfig(const CliArguments& args, std::string& configPath);

}   // namespace minimascope::cli
