#include "study/StudyConfig.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/ConfigOverrides.h"
#include "io/ResourceLibrary.h"
#include "io/StrictJson.h"
#include "study/StudyStore.h"
#include "train/ResourceEstimate.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

namespace minimascope::core {

namespace {

constexpr const char* kFormat = "minimascope-study";
constexpr size_t kMaxListedErrors = 20;

nlohmann::json baseDocument(const nlohmann::json& base, const std::string& where)
{
    if (base.is_string()) {
        std::string path;
        try {
            path = findResource("presets", base.get<std::string>());
        } catch (const InputError& e) {   // the library's message names the preset, not the study file
            throw InputError(where + ": 'base': " + e.what());
        }
        return parseStrictJson(readWholeFile(path), path);
    }
    if (!base.is_object())
        throw InputError(where + ": 'base' must be a run config object or the name of a preset");
    return base;
}

// Every combination of the grid's values, the first axis varying slowest.
std::vector<nlohmann::json> gridPoints(const nlohmann::json& grid, const std::string& where)
{
    if (!grid.is_object())
        throw InputError(where + ": 'grid' must be an object of KEY: [values]");
    // The product of no axes is one point, the base: with "runs" it would add the base unasked,
    // without them the "study" is one run. Either way a forgotten grid, as an empty axis is.
    if (grid.empty())
        throw InputError(where + ": 'grid' is empty: give at least one key with values, or remove it");
    std::vector<nlohmann::json> points{nlohmann::json::object()};
    for (const auto& [key, values] : grid.items()) {
        if (key.empty())
            throw InputError(where + ": 'grid' has an empty key");
        if (!values.is_array() || values.empty())
            throw InputError(where + ": grid axis '" + key + "' must be a non-empty list of values");
        if (static_cast<int64_t>(points.size()) * static_cast<int64_t>(values.size()) > kMaxStudyPoints)
            throw InputError(where + ": the grid has more than " + std::to_string(kMaxStudyPoints) + " points");
        std::vector<nlohmann::json> next;
        for (const nlohmann::json& point : points) {
            for (const nlohmann::json& value : values) {
                nlohmann::json extended = point;
                extended[key] = value;
                next.push_back(std::move(extended));
            }
        }
        points = std::move(next);
    }
    return points;
}

StudyMeasures parseMeasures(const nlohmann::json& list, const std::string& where)
{
    if (!list.is_array())
        throw InputError(where + ": 'measure' must be a list of names");
    StudyMeasures m;
    m.sharpness = m.nonUniformity = m.stability = m.lambdaMin = false;
    for (const nlohmann::json& item : list) {
        const std::string name = item.is_string() ? item.get<std::string>() : describeJsonValue(item);
        if (name == "sharpness")
            m.sharpness = true;
        else if (name == "non_uniformity")
            m.nonUniformity = true;
        else if (name == "stability")
            m.stability = true;
        else if (name == "lambda_min")
            m.lambdaMin = true;
        else if (name == "test_accuracy" || name == "test_loss" || name == "train_loss")
            continue;   // always recorded
        else
            throw InputError(where + ": unknown measure '" + excerptForMessage(name)
                             + "' (known: sharpness, non_uniformity, stability, lambda_min, test_accuracy)");
    }
    return m;
}

// "track": {"every": K, "subset": N} into the measures.
void parseTracking(const nlohmann::json& track, const std::string& where, StudyMeasures& m)
{
    if (!track.is_object())
        throw InputError(where + ": 'track' must be an object {\"every\": K, \"subset\": N}");
    for (const auto& [key, value] : track.items()) {
        if (key != "every" && key != "subset")
            throw InputError(where + ": unknown key 'track." + excerptForMessage(key) + "' (known: every, subset)");
        if (!value.is_number_integer() || value.get<int64_t>() < (key == "every" ? 1 : 0))
            throw InputError(where + ": 'track." + key + "' must be an integer of at least "
                             + (key == "every" ? "1" : "0") + ", not " + describeJsonValue(value));
    }
    if (!track.contains("every"))
        throw InputError(where + ": 'track' needs 'every' (measure every K iterations)");
    m.trackEvery = track["every"].get<int64_t>();
    m.trackSubset = track.value("subset", int64_t{0});
}

}   // namespace

std::string studyPointKey(const RunConfig& config)
{
    nlohmann::json identity = config.toJson();
    identity.erase("threads");   // how many threads ran it does not change the point
    // FNV-1a over the canonical dump: std::hash is not stable across builds.
    uint64_t hash = 1469598103934665603ULL;
    for (const unsigned char c : identity.dump()) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    char key[17];
    std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(hash));
    return key;
}

std::string describeAxes(const nlohmann::json& axes)
{
    std::string text;
    for (const auto& [key, value] : axes.items())
        text += (text.empty() ? "" : ", ") + key + "=" + describeJsonValue(value);
    return text.empty() ? "the base config" : text;
}

StudyConfig parseStudyConfig(const nlohmann::json& document, const std::string& where)
{
    if (!document.is_object())
        throw InputError(where + ": a study file is a JSON object");
    static const std::set<std::string> known{"format", "version", "name",    "description", "base",
                                             "grid",   "runs",    "measure", "track",       "follow_up"};
    for (const auto& [key, value] : document.items())
        if (known.count(key) == 0)
            throw InputError(where + ": unknown key '" + excerptForMessage(key)
                             + "' (known: format, version, name, description, base, grid, runs, measure, track, "
                               "follow_up)");
    if (document.value("format", kFormat) != std::string(kFormat))
        throw InputError(where + ": 'format' must be \"" + kFormat + "\"");
    if (document.contains("version") && document["version"] != 1)
        throw InputError(where + ": study file version " + describeJsonValue(document["version"])
                         + " (this MinimaScope reads version 1)");
    if (!document.contains("base"))
        throw InputError(where + ": 'base' is missing (a run config object or a preset name)");

    StudyConfig study;
    const auto text = [&](const char* key) {
        const auto it = document.find(key);
        if (it == document.end())
            return std::string();
        if (!it->is_string())
            throw InputError(where + ": '" + key + "' must be a string");
        return it->get<std::string>();
    };
    study.name = text("name");
    study.description = text("description");
    if (document.contains("measure"))
        study.measures = parseMeasures(document["measure"], where);
    if (document.contains("track"))
        parseTracking(document["track"], where, study.measures);
    if (document.contains("follow_up"))
        study.followUps = parseFollowUps(document["follow_up"], where);

    const nlohmann::json base = baseDocument(document["base"], where);
    std::vector<nlohmann::json> axesList;
    if (document.contains("grid"))
        axesList = gridPoints(document["grid"], where);
    if (document.contains("runs")) {
        const nlohmann::json& runs = document["runs"];
        if (!runs.is_array())
            throw InputError(where + ": 'runs' must be a list of {KEY: value} objects");
        // As an empty grid: a forgotten list rather than a plan.
        if (runs.empty())
            throw InputError(where + ": 'runs' is empty: list at least one {KEY: value} run, or remove it");
        for (size_t i = 0; i < runs.size(); ++i) {
            if (!runs[i].is_object())
                throw InputError(where + ": runs[" + std::to_string(i) + "] must be an object of KEY: value");
            axesList.push_back(runs[i]);
        }
    }
    if (axesList.empty())
        axesList.push_back(nlohmann::json::object());   // the base alone
    if (static_cast<int64_t>(axesList.size()) > kMaxStudyPoints)
        throw InputError(where + ": more than " + std::to_string(kMaxStudyPoints) + " points");

    std::vector<std::string> errors;
    std::set<std::string> seen;
    for (size_t i = 0; i < axesList.size(); ++i) {
        const nlohmann::json& axes = axesList[i];
        try {
            nlohmann::json config = base;
            for (const auto& [key, value] : axes.items())
                applyOverride(config, key, value);
            StudyPoint point;
            point.config = RunConfig::fromJson(config);
            requireRunFitsInMemory(point.config);
            point.key = studyPointKey(point.config);
            point.axes = axes;
            if (!seen.insert(point.key).second)
                continue;   // the same run twice (e.g. listed and in the grid): run it once
            point.ordinal = static_cast<int64_t>(study.points.size());
            study.points.push_back(std::move(point));
        } catch (const InputError& e) {
            errors.push_back("  point " + std::to_string(i + 1) + " (" + describeAxes(axes) + "): " + e.what());
        }
    }
    if (!errors.empty()) {
        std::string message = where + ": " + std::to_string(errors.size()) + " of " + std::to_string(axesList.size())
                              + " points are not valid run configs:";
        for (size_t i = 0; i < errors.size() && i < kMaxListedErrors; ++i)
            message += "\n" + errors[i];
        if (errors.size() > kMaxListedErrors)
            message += "\n  ... and " + std::to_string(errors.size() - kMaxListedErrors) + " more";
        throw InputError(message);
    }
    study.document = document;
    study.document["base"] = base;   // resolved: a stored study does not change with a preset file
    return study;
}

StudyConfig shrinkStudy(const StudyConfig& study, const StudyShrink& shrink)
{
    const int64_t count = static_cast<int64_t>(study.points.size());
    const int64_t kept = shrink.maxPoints > 0 ? std::min(count, shrink.maxPoints) : count;
    std::string name = study.name + "-shrunk";
    std::string what;
    if (shrink.maxPoints > 0) {
        name += "-p" + std::to_string(shrink.maxPoints);
        what += ", " + std::to_string(kept) + " of its " + std::to_string(count) + " points";
    }
    if (shrink.maxIterations > 0) {
        name += "-i" + std::to_string(shrink.maxIterations);
        what += ", at most " + std::to_string(shrink.maxIterations) + " iterations";
    }
    if (shrink.maxExamples > 0) {
        name += "-n" + std::to_string(shrink.maxExamples);
        what += ", at most " + std::to_string(shrink.maxExamples) + " training and test examples";
    }

    nlohmann::json runs = nlohmann::json::array();
    for (int64_t i = 0; i < kept; ++i) {
        // Rounded i (count - 1) / (kept - 1): the grid's first axis varies slowest and the
        // explicit runs come last, so an even spread reaches both.
        const int64_t index = kept == 1 ? 0 : (2 * i * (count - 1) + kept - 1) / (2 * (kept - 1));
        const StudyPoint& point = study.points[static_cast<size_t>(index)];
        const RunConfig& config = point.config;
        // Object keys apply in sorted order, so a cap ("stop.max_iterations") comes after an axis
        // that sets its whole section ("stop").
        nlohmann::json axes = point.axes;
        if (shrink.maxIterations > 0 && config.stop.maxIterations > shrink.maxIterations)
            axes["stop.max_iterations"] = shrink.maxIterations;
        if (shrink.maxExamples > 0) {
            const int64_t n = config.optimizer.fullBatch() ? shrink.maxExamples
                                                           : std::max(shrink.maxExamples, config.optimizer.batchSize);
            if (config.dataset.n > n)
                axes["dataset.n"] = n;
            if (config.dataset.testN > shrink.maxExamples)
                axes["dataset.test_n"] = shrink.maxExamples;
        }
        runs.push_back(std::move(axes));
    }
    nlohmann::json document = study.document;
    document.erase("grid");
    document["runs"] = std::move(runs);
    document["name"] = name;
    document["description"] = study.description + (study.description.empty() ? "" : " ") + "Shrunk for a test"
                              + (what.empty() ? "" : ":" + what.substr(1)) + ".";
    return parseStudyConfig(document, "the shrunk study '" + name + "'");
}

StudyConfig loadStudyConfig(const std::string& path)
{
    StudyConfig study = parseStudyConfig(parseStrictJson(readWholeFile(path), path), path);
    if (study.name.empty()) {
        study.name = std::filesystem::path(path).stem().string();
        study.document["name"] = study.name;
    }
    return study;
}

StudyConfig loadStoredStudy(const std::string& studyDir)
{
    const std::string path = studyStorePath(studyDir);
    if (!std::filesystem::exists(path))
        throw InputError(studyDir + " is not a study folder (no study.sqlite)");
    const std::string document = StudyStore(path, true).studyDocument();
    if (document.empty())
        throw InputError(path + ": the store does not hold its study file: run it with --config FILE");
    return parseStudyConfig(parseStrictJson(document, path + " (its study file)"), path + " (its study file)");
}

}   // namespace minimascope::core
