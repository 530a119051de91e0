// `minimascope-cli fdc`: the fitness-distance correlation of a teacher-student problem around the
// teacher's weights (core/landscape/FitnessDistance.h for the sampling and r,
// core/models/TeacherNetwork.h for the teacher as a student's parameters). Nothing is trained:
// the config says which data set, teacher and student architecture. Its options are parsed with
// the other commands' (CliArguments.cpp, `fdc --help`). In builds with the GUI libraries it also
// draws the scatter (ui/plots/FitnessDistancePlot.h) headless, on Qt's offscreen platform. Returns
// the exit code; throws InputError for bad input (exit code 2).
#include "Commands.h"
#include "ProgressPrinter.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "data/DatasetTransforms.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/ResourceLibrary.h"
#include "io/StrictJson.h"
#include "landscape/FitnessDistance.h"
#include "models/FlatParameters.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "models/TeacherNetwork.h"
#include "train/RunConfig.h"

#ifdef MINIMASCOPE_HAVE_FIGURES
#include "FigureFiles.h"
#include "FitnessDistancePlot.h"
#endif

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

namespace minimascope::cli {

namespace {

std::string scatterCsv(const core::FitnessDistanceSample& sample)
{
    std::ostringstream csv;
    csv.precision(17);
    csv << "distance,seed,loss\n";
    for (size_t i = 0; i < sample.loss.size(); ++i)
        csv << sample.distance[i] << ',' << sample.seed[i] << ',' << core::csvNumber(sample.loss[i]) << '\n';
    return csv.str();
}

// The shell word for a --set value as given (JSON text), quoted when it needs to be.
std::string overrideWords(const CliArguments& args)
{
    std::string words;
    for (const auto& [key, value] : args.overrides)
        words += " --set '" + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()) + "'";
    return words;
}

#ifdef MINIMASCOPE_HAVE_FIGURES
// The figure of the sample as PREFIX.FORMAT, at the size and scale of `figures`' defaults; returns
// the files written.
QStringList writeFigure(const core::FitnessDistanceSample& sample, const std::string& undefinedReason,
                        const std::string& prefix, const QStringList& formats)
{
    const FiguresApplication app;
    std::vector<ui::FitnessDistancePoint> points;
    for (size_t i = 0; i < sample.loss.size(); ++i)
        points.push_back({sample.distance[i], sample.seed[i], sample.loss[i]});
    ui::FitnessDistancePlot plot;
    plot.setSample(points, sample.correlation, QString::fromStdString(undefinedReason));
    const FiguresArguments figuresDefaults;
    return writeFigureImages(plot, QString::fromStdString(prefix), formats,
                             QSize(figuresDefaults.width, figuresDefaults.height), figuresDefaults.dpi);
}
#endif

}   // namespace

int runFitnessDistance(const CliArguments& args, const core::CancelToken& cancel)
{
    const FdcArguments& f = args.fdc;
#ifdef MINIMASCOPE_HAVE_FIGURES
    const QStringList formats = parseFigureFormats(f.formats);   // an unknown format fails before the sample
#endif
    std::string configPath;
    const core::RunConfig config = loadRunConfig(args, configPath);
    core::FitnessDistanceOptions options;
    options.distances = f.distances;
    options.samples = f.samples;
    options.seed = f.seedGiven ? f.seed : config.seed;
    core::validateFitnessDistanceOptions(options);

    core::TeacherWeights teacher;
    try {
        teacher = core::teacherOf(config.dataset);
    } catch (const core::InputError& e) {
        throw core::InputError(configPath + ": fdc needs a teacher-student config: " + e.what());
    }
    const core::DatasetPair data = core::loadDatasets(config.dataset);
    const core::Dataset examples = f.subset > 0 ? core::takeFirst(data.train, f.subset) : data.train;
    const std::shared_ptr<core::Network> student = core::buildModel(config.model, data.train, config.seed);
    at::Tensor centre;
    try {
        centre = core::teacherParametersFor(*student, teacher);
    } catch (const core::InputError& e) {
        throw core::InputError(configPath + ": " + e.what());
    }
    core::FlatParameters parameters(*student);
    at::set_num_threads(f.threads > 0 ? f.threads : 2);

    const std::string stem = std::filesystem::path(configPath).stem().string();
    const std::string prefix = f.outPrefix.empty() ? "runs/" + stem + "-fdc" : f.outPrefix;
    const std::string outDir = std::filesystem::path(prefix).parent_path().string();
    if (!outDir.empty())
        core::ensureDirectory(outDir);   // an unusable output folder fails now, not after the sample
    const double centreNorm = centre.to(at::kDouble).norm().item<double>();
    std::fprintf(stderr, "%s: teacher %s, |w*| = %.4g, %lld training examples, noise %g; %zu distances x %lld points\n",
                 configPath.c_str(), student->describe().c_str(), centreNorm, static_cast<long long>(examples.size()),
                 config.dataset.noise, options.distances.size(), static_cast<long long>(options.samples));

    ProgressPrinter printer(stderr);
    const core::FitnessDistanceSample sample = core::sampleFitnessDistance(*student, parameters, examples, centre,
                                                                           options, &cancel, printer.sink());
    printer.finish();

    std::printf("teacher's own loss %.6g (the label noise: %g^2 = %.6g for the MSE)\n", sample.centreLoss,
                config.dataset.noise, config.dataset.noise * config.dataset.noise);
    std::printf("%-12s %-8s %-12s %-12s %-12s\n", "distance", "points", "mean loss", "min loss", "max loss");
    for (const core::DistanceSummary& row : sample.byDistance())
        std::printf("%-12.4g %-8lld %-12.5g %-12.5g %-12.5g\n", row.distance, static_cast<long long>(row.points),
                    row.meanLoss, row.minLoss, row.maxLoss);
    nlohmann::json json = sample.toJson();
    const std::string undefinedReason = sample.correlationUndefinedReason();
    if (std::isfinite(sample.correlation))
        std::printf("FDC r = %.6f over %zu points\n", sample.correlation, sample.loss.size());
    else
        std::printf("FDC r undefined: %s\n", undefinedReason.c_str());

    json["config"] = configPath;
    json["preset"] = args.presetName.empty() ? nlohmann::json(nullptr) : nlohmann::json(args.presetName);
    json["overrides"] = nlohmann::json::object();
    for (const auto& [key, value] : args.overrides)
        json["overrides"][key] = value;
    json["model"] = student->describe();
    json["teacher"] = {{"architecture", core::teacherArchitecture(teacher)},
                       {"norm", centreNorm},
                       {"input_dim", teacher.inputDim},
                       {"width", teacher.width},
                       {"dataset_seed", config.dataset.seed},
                       {"noise", config.dataset.noise}};
    json["examples"] = examples.size();
    json["subset"] = f.subset > 0 ? nlohmann::json(f.subset) : nlohmann::json("all");
    json["recompute"] = "minimascope-cli fdc "
                        + (args.presetName.empty() ? "--config " + configPath : "--preset " + args.presetName)
                        + overrideWords(args) + " --distances " + f.distancesText + " --samples "
                        + std::to_string(options.samples) + " --seed " + std::to_string(options.seed)
                        + (f.subset > 0 ? " --subset " + std::to_string(f.subset) : std::string());
    core::writeFileAtomically(prefix + ".json", json.dump(2) + "\n");
    core::writeFileAtomically(prefix + ".csv", scatterCsv(sample));
    std::printf("%s -> %s.json, %s.csv\n", core::toString(sample.status), prefix.c_str(), prefix.c_str());
#ifdef MINIMASCOPE_HAVE_FIGURES
    const QStringList figureFiles = writeFigure(sample, undefinedReason, prefix, formats);
    if (figureFiles.isEmpty())
        std::printf("no figure: --formats names no format\n");
    else
        std::printf("figure -> %s\n", qPrintable(figureFiles.join(QStringLiteral(", "))));
#else
    std::printf("no figure: this minimascope-cli was built without the GUI libraries; %s.csv holds its data\n",
                prefix.c_str());
#endif
    return sample.status == core::RunStatus::Cancelled ? core::kCancelled : core::kSuccess;
}

}   // namespace minimascope::cli
