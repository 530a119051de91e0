#include "train/RunConfig.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/ConfigObject.h"
#include "io/StrictJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <limits>

namespace minimascope::core {

namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();
// The largest learning rate, SAM radius or optimizer eps accepted. Torch turns each into a
// float32 scalar for the float32 parameters and fails past 3.4e38 (an internal error, after
// the data is loaded), and its products with gradients overflow long before. 1e6 is far above
// what these models train with (the presets use at most 0.7) and keeps a step finite for any
// gradient below 1e32.
constexpr double kMaxOptimizerScale = 1e6;

// Files the user names (own data, own models) are made absolute, so that the config a run folder
// keeps finds them again from any working directory.
std::string userPath(const std::string& path)
{
    if (path.empty())
        return path;
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(path, error);
    return error ? path : absolute.lexically_normal().string();
}

DatasetSpec parseDataset(ConfigObject o)
{
    DatasetSpec d;
    d.name = o.choice("name", d.name,
                      {"fashion-mnist", "arrays", "two-moons", "spirals", "xor", "xor-classic", "blobs",
                       "teacher-student", "escape-toy"});
    // The escape toy and the classic XOR problem are their few examples, with nothing held out.
    const int64_t fixedN = d.name == "escape-toy" ? 2 : d.name == "xor-classic" ? 4 : 0;
    d.path = userPath(o.string("path", d.path));
    d.n = o.integer("n", fixedN > 0 ? fixedN : d.n, 1, kMaxInt);
    d.subset = o.choice("subset", d.subset, {"first", "stratified"});
    d.classes = o.integers("classes", d.classes, 0, 1000);
    d.standardize = o.boolean("standardize", d.standardize);
    d.testN = o.integer("test_n", fixedN > 0 ? 0 : d.testN, 0, kMaxInt);
    d.seed = static_cast<uint64_t>(o.integer("seed", 0, 0, std::numeric_limits<int64_t>::max()));
    d.noise = o.number("noise", d.noise, 0.0, 100.0);
    d.syntheticClasses = o.integer("synthetic_classes", d.syntheticClasses, 2, 100);
    d.inputDim = o.integer("input_dim", d.inputDim, 1, 100000);
    d.teacherWidth = o.integer("teacher_width", d.teacherWidth, 1, 100000);
    d.labelColumn = o.string("label_column", d.labelColumn);
    d.testPath = userPath(o.string("test_path", d.testPath));
    d.numClasses = o.integer("num_classes", d.numClasses, 0, 100000);
    o.finish();
    if (d.name == "arrays" && d.path.empty())
        throw InputError("dataset.path", "config key 'dataset.path' must name the arrays (a .npz file, a folder with "
                                         "X.npy and y.npy, or a .csv file) for dataset 'arrays'");
    if (d.name == "escape-toy" && d.n != 2)
        throw InputError("dataset.n", "config key 'dataset.n' must be 2 for the escape toy (it has two examples)");
    if (d.name == "xor-classic" && d.n != 4)
        throw InputError("dataset.n", "config key 'dataset.n' must be 4 for xor-classic (it has four patterns)");
    return d;
}

ModelSpec parseModel(ConfigObject o, std::string& presetName)
{
    presetName = o.string("preset", "");
    ModelSpec m = presetName.empty() ? ModelSpec{} : modelPreset(presetName);
    m.kind = o.choice("kind", m.kind, {"mlp", "lenet5", "vgg", "resnet", "escape-toy", "torchscript"});
    m.path = userPath(o.string("path", m.path));
    m.widths = o.integers("widths", m.widths, 1, 1 << 16);
    m.activation = parseActivation(o.choice("activation", toString(m.activation), {"relu", "tanh", "gelu"}));
    m.batchNorm = o.boolean("batch_norm", m.batchNorm);
    m.skipConnections = o.boolean("skip_connections", m.skipConnections);
    m.blocksPerStage = o.integer("blocks_per_stage", m.blocksPerStage, 1, 64);
    m.hidden = o.integer("hidden", m.hidden, 1, 1 << 16);
    m.initialPosition = o.number("x0", m.initialPosition, -1e6, 1e6);
    o.finish();
    if (m.kind == "torchscript" && m.path.empty())
        throw InputError("model.path", "config key 'model.path' must name the TorchScript file (.pt) for model kind "
                                       "'torchscript'");
    if ((m.kind == "vgg" || m.kind == "resnet") && m.widths.empty())
        throw InputError("model.widths",
                         "config key 'model.widths' must list the channels of each stage for model '" + m.kind + "'");
    return m;
}

Sampling parseSampling(const std::string& name)
{
    if (name == "subset")
        return Sampling::Subset;
    if (name == "replacement")
        return Sampling::Replacement;
    return Sampling::Shuffle;
}

OptimizerSpec parseOptimizer(ConfigObject o, const std::string& path)
{
    OptimizerSpec s;
    s.name = o.choice("name", s.name, {"gd", "sgd", "adagrad", "adam", "lbfgs", "sam", "adahessian", "rk2"});
    // Each optimizer's usual defaults (adahessian's from Yao et al.'s code).
    const double defaultLr = s.name == "adam" ? 1e-3 : s.name == "lbfgs" ? 1.0 : s.name == "adahessian" ? 0.15 : 0.1;
    s.lr = o.positive("lr", defaultLr, 0.0, kMaxOptimizerScale);
    s.batchSize = o.integer("batch_size", s.batchSize, 1, kMaxInt);
    s.sampling = parseSampling(o.choice("sampling", "shuffle", {"shuffle", "subset", "replacement"}));
    s.momentum = o.number("momentum", s.momentum, 0.0, 0.9999);
    s.nesterov = o.boolean("nesterov", s.nesterov);
    s.weightDecay = o.number("weight_decay", s.weightDecay, 0.0, 1.0);
    s.lrDecay = o.number("lr_decay", s.lrDecay, 0.0, 1e6);
    s.beta1 = o.number("beta1", s.beta1, 0.0, 0.9999);
    s.beta2 = o.number("beta2", s.beta2, 0.0, 0.999999);
    s.eps = o.positive("eps",
                       s.name == "adagrad"      ? 1e-10
                       : s.name == "adahessian" ? 1e-4
                                                : s.eps,
                       0.0, kMaxOptimizerScale);
    s.historySize = o.integer("history_size", s.historySize, 1, 1000);
    s.lbfgsInnerIterations = o.integer("inner_iterations", s.lbfgsInnerIterations, 1, 1000);
    s.lineSearch = o.boolean("line_search", s.lineSearch);
    s.rho = o.positive("rho", s.rho, 0.0, kMaxOptimizerScale);
    s.hessianPower = o.number("hessian_power", s.hessianPower, 0.0, 1.0);
    s.rk2Alpha = o.positive("rk2_alpha", s.rk2Alpha, 0.0, 1.0);
    o.finish();
    if (s.nesterov && s.momentum == 0.0)
        throw InputError(path + ".nesterov", "config key '" + path + ".nesterov' needs " + path + ".momentum > 0");
    return s;
}

StopSpec parseStop(ConfigObject o)
{
    StopSpec s;
    s.lossBelow = o.number("loss_below", s.lossBelow, 0.0, 1e30);
    s.maxIterations = o.integer("max_iterations", s.maxIterations, 0, std::numeric_limits<int64_t>::max() / 2);
    s.maxSeconds = o.number("max_seconds", s.maxSeconds, 0.0, 1e9);
    s.divergenceLoss = o.positive("divergence_loss", s.divergenceLoss);
    o.finish();
    return s;
}

ScheduleSpec parseSchedule(ConfigObject o)
{
    ScheduleSpec s;
    s.evalEvery = o.integer("eval_every", s.evalEvery, 0, kMaxInt);
    s.snapshotEvery = o.integer("snapshot_every", s.snapshotEvery, 0, kMaxInt);
    s.snapshotAt = o.integers("snapshot_at", s.snapshotAt, 0, std::numeric_limits<int64_t>::max() / 2);
    std::sort(s.snapshotAt.begin(), s.snapshotAt.end());
    s.averageFrom = o.integer("average_from", s.averageFrom, -1, std::numeric_limits<int64_t>::max() / 2);
    s.gradientNorm = o.boolean("gradient_norm", s.gradientNorm);
    o.finish();
    return s;
}

}   // namespace

const char* toString(Sampling sampling)
{
    switch (sampling) {
    case Sampling::Shuffle: return "shuffle";
    case Sampling::Subset: return "subset";
    case Sampling::Replacement: return "replacement";
    }
    return "shuffle";
}

RunConfig RunConfig::fromJson(const nlohmann::json& json)
{
    ConfigObject root(json, "");
    RunConfig c;
    const std::string format = root.string("format", "minimascope-run");
    if (format != "minimascope-run")
        throw InputError("format",
                         "config key 'format' must be \"minimascope-run\", got \"" + excerptForMessage(format) + "\"");
    root.integer("version", 1, 1, 1);
    // A run folder's config.json names its run; it identifies the file, it configures nothing,
    // so that `train --config RUN/config.json` reruns it.
    root.string("run_id", "");
    root.string("description", "");   // what a preset shows ('minimascope-cli presets'); configures nothing
    c.seed = static_cast<uint64_t>(root.integer("seed", 0, 0, std::numeric_limits<int64_t>::max()));
    c.threads = root.integer("threads", c.threads, 0, 256);
    c.dataset = parseDataset(root.object("dataset"));
    c.model = parseModel(root.object("model"), c.modelPreset);
    c.optimizer = parseOptimizer(root.object("optimizer"), "optimizer");
    if (root.has("switch")) {
        ConfigObject change = root.object("switch");
        c.optimizerSwitch.at = change.integer("at", 0, 1, kMaxInt);
        if (!change.has("at") || !change.has("from"))
            throw InputError("switch", "config key 'switch' needs \"at\" (the iteration) and \"from\" (the optimizer "
                                       "before it)");
        c.optimizerSwitch.from = parseOptimizer(change.object("from"), "switch.from");
        change.finish();
    }
    c.stop = parseStop(root.object("stop"));
    c.schedule = parseSchedule(root.object("schedule"));
    root.finish();
    if (c.dataset.name == "escape-toy" && c.model.kind != "escape-toy")
        throw InputError("model.kind", "config key 'model.kind' must be \"escape-toy\" for the escape-toy data set");
    if (c.model.kind == "escape-toy" && c.dataset.name != "escape-toy")
        throw InputError("dataset.name", "config key 'dataset.name' must be \"escape-toy\" for the escape-toy model");
    for (const auto& [spec, key] :
         {std::pair{&c.optimizer, "optimizer"}, std::pair{&c.optimizerSwitch.from, "switch.from"}}) {
        if (spec == &c.optimizerSwitch.from && c.optimizerSwitch.at == 0)
            continue;
        if (!spec->fullBatch() && spec->batchSize > c.dataset.n)
            throw InputError(std::string(key) + ".batch_size",
                             "config key '" + std::string(key) + ".batch_size' (" + std::to_string(spec->batchSize)
                                 + ") exceeds dataset.n (" + std::to_string(c.dataset.n) + ")");
    }
    if (c.optimizerSwitch.at >= c.stop.maxIterations && c.optimizerSwitch.at > 0)
        throw InputError("switch.at", "config key 'switch.at' (" + std::to_string(c.optimizerSwitch.at)
                                          + ") must be below stop.max_iterations ("
                                          + std::to_string(c.stop.maxIterations) + "): the run would never switch");
    return c;
}

nlohmann::json RunConfig::toJson() const
{
    nlohmann::json dataset{{"name", this->dataset.name},
                           {"path", this->dataset.path},
                           {"n", this->dataset.n},
                           {"subset", this->dataset.subset},
                           {"classes", this->dataset.classes},
                           {"standardize", this->dataset.standardize},
                           {"test_n", this->dataset.testN},
                           {"seed", this->dataset.seed},
                           {"noise", this->dataset.noise},
                           {"synthetic_classes", this->dataset.syntheticClasses},
                           {"input_dim", this->dataset.inputDim},
                           {"teacher_width", this->dataset.teacherWidth},
                           {"label_column", this->dataset.labelColumn},
                           {"test_path", this->dataset.testPath},
                           {"num_classes", this->dataset.numClasses}};
    nlohmann::json modelJson{{"kind", model.kind},
                             {"widths", model.widths},
                             {"activation", toString(model.activation)},
                             {"batch_norm", model.batchNorm},
                             {"skip_connections", model.skipConnections},
                             {"blocks_per_stage", model.blocksPerStage},
                             {"hidden", model.hidden},
                             {"x0", model.initialPosition},
                             {"path", model.path}};
    if (!modelPreset.empty())
        modelJson["preset"] = modelPreset;
    const auto optimizerJson = [](const OptimizerSpec& o) {
        return nlohmann::json{{"name", o.name},
                              {"lr", o.lr},
                              {"batch_size", o.batchSize},
                              {"sampling", toString(o.sampling)},
                              {"momentum", o.momentum},
                              {"nesterov", o.nesterov},
                              {"weight_decay", o.weightDecay},
                              {"lr_decay", o.lrDecay},
                              {"beta1", o.beta1},
                              {"beta2", o.beta2},
                              {"eps", o.eps},
                              {"history_size", o.historySize},
                              {"inner_iterations", o.lbfgsInnerIterations},
                              {"line_search", o.lineSearch},
                              {"rho", o.rho},
                              {"hessian_power", o.hessianPower},
                              {"rk2_alpha", o.rk2Alpha}};
    };
    nlohmann::json scheduleJson{{"eval_every", schedule.evalEvery},
                                {"snapshot_every", schedule.snapshotEvery},
                                {"snapshot_at", schedule.snapshotAt}};
    if (schedule.averageFrom >= 0)   // only when on, so that configs without it read as before
        scheduleJson["average_from"] = schedule.averageFrom;
    if (schedule.gradientNorm)
        scheduleJson["gradient_norm"] = true;
    nlohmann::json json{{"format", "minimascope-run"},
                        {"version", 1},
                        {"seed", seed},
                        {"threads", threads},
                        {"dataset", dataset},
                        {"model", modelJson},
                        {"optimizer", optimizerJson(optimizer)},
                        {"stop",
                         {{"loss_below", stop.lossBelow},
                          {"max_iterations", stop.maxIterations},
                          {"max_seconds", stop.maxSeconds},
                          {"divergence_loss", stop.divergenceLoss}}},
                        {"schedule", scheduleJson}};
    if (optimizerSwitch.at > 0)   // only when on, as schedule.average_from
        json["switch"] = {{"at", optimizerSwitch.at}, {"from", optimizerJson(optimizerSwitch.from)}};
    return json;
}

RunConfig loadRunConfig(const std::string& path)
{
    const nlohmann::json json = parseStrictJson(readWholeFile(path), path);
    try {
        return RunConfig::fromJson(json);
    } catch (const InputError& e) {
        throw InputError(e.key(), path + ": " + e.what());
    }
}

}   // namespace minimascope::core
