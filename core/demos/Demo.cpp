#include "demos/Demo.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/ConfigOverrides.h"
#include "io/ResourceLibrary.h"
#include "io/StrictJson.h"
#include "train/RunConfig.h"

#include <cmath>
#include <filesystem>
#include <set>

namespace minimascope::core {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kFormatVersion = 1;
// A demo is a lesson of seconds to about a minute; a few runs at most.
constexpr std::size_t kMaxRuns = 5;
constexpr double kMaxSeconds = 600.0;

// Errors name the demo file and carry the key (as ConfigObject's do for run configs).
[[noreturn]] void fail(const std::string& file, const std::string& key, const std::string& problem)
{
    throw InputError(key, file + ": demo key '" + key + "' " + problem);
}

void requireOnlyKeys(const std::string& file, const std::string& where, const json& object,
                     const std::set<std::string>& allowed)
{
    for (const auto& item : object.items())
        if (allowed.count(item.key()) == 0)
            fail(file, where.empty() ? item.key() : where + "." + item.key(), "is not a demo key");
}

const json& required(const std::string& file, const json& object, const std::string& key, const std::string& fullKey)
{
    if (!object.contains(key) || object.at(key).is_null())
        fail(file, fullKey, "is missing");
    return object.at(key);
}

std::string text(const std::string& file, const json& object, const std::string& key, const std::string& fullKey)
{
    const json& value = required(file, object, key, fullKey);
    if (!value.is_string() || value.get<std::string>().empty())
        fail(file, fullKey, "must be a non-empty string, got " + describeJsonValue(value));
    return value.get<std::string>();
}

// A file named in the demo: a plain name in the demo file's folder (no paths, so a demo
// cannot point outside its resources).
std::string siblingFile(const std::string& file, const json& object, const std::string& key)
{
    const std::string name = text(file, object, key, key);
    if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name == "." || name == "..")
        fail(file, key, "must be a file name in the demo's folder, got '" + excerptForMessage(name) + "'");
    const fs::path path = fs::path(file).parent_path() / name;
    std::error_code error;
    if (!fs::is_regular_file(path, error))
        fail(file, key, "names '" + path.string() + "', which does not exist");
    return path.string();
}

// Validates a run config with the run config reader, naming the demo key on failure.
void validateRunConfig(const std::string& file, const std::string& key, const json& config)
{
    try {
        (void)RunConfig::fromJson(config);
    } catch (const InputError& e) {
        fail(file, key, std::string("is not a valid run config: ") + e.what());
    }
}

DemoRun readRun(const std::string& file, const json& value, std::size_t index)
{
    const std::string key = "runs[" + std::to_string(index) + "]";
    if (!value.is_object())
        fail(file, key, "must be an object, got " + describeJsonValue(value));
    requireOnlyKeys(file, key, value, {"label", "preset", "config"});
    DemoRun run;
    run.label = text(file, value, "label", key + ".label");
    const bool hasPreset = value.contains("preset");
    const bool hasConfig = value.contains("config");
    if (hasPreset == hasConfig)
        fail(file, key, "needs exactly one of 'preset' (a shipped run preset) and 'config' (a run config)");
    if (hasPreset) {
        run.preset = text(file, value, "preset", key + ".preset");
        std::string presetFile;
        try {
            presetFile = findResource("presets", run.preset);
        } catch (const InputError& e) {
            fail(file, key + ".preset", e.what());
        }
        run.config = parseStrictJson(readWholeFile(presetFile), presetFile);
    } else {
        run.config = value.at("config");
        if (!run.config.is_object())
            fail(file, key + ".config", "must be an object, got " + describeJsonValue(run.config));
    }
    validateRunConfig(file, key + (hasPreset ? ".preset" : ".config"), run.config);
    return run;
}

DemoTryNext readTryNext(const std::string& file, const json& value)
{
    if (!value.is_object())
        fail(file, "try_next", "must be an object, got " + describeJsonValue(value));
    requireOnlyKeys(file, "try_next", value, {"setting", "value", "text"});
    DemoTryNext next;
    next.setting = text(file, value, "setting", "try_next.setting");
    next.value = required(file, value, "value", "try_next.value");
    next.text = text(file, value, "text", "try_next.text");
    return next;
}

}   // namespace

Demo readDemoFile(const std::string& path)
{
    const json document = parseStrictJson(readWholeFile(path), path);
    if (!document.is_object())
        throw InputError(path + ": a demo file must be a JSON object");
    requireOnlyKeys(path, "", document,
                    {"format", "version", "title", "summary", "seconds", "explanation", "picture", "view",
                     "measure_every", "measure_non_uniformity", "runs", "try_next"});
    if (text(path, document, "format", "format") != "minimascope-demo")
        fail(path, "format", "must be \"minimascope-demo\"");
    const json& version = required(path, document, "version", "version");
    if (!version.is_number_integer() || version.get<int64_t>() != kFormatVersion)
        fail(path, "version", "must be " + std::to_string(kFormatVersion) + ", got " + describeJsonValue(version));

    Demo demo;
    demo.name = fs::path(path).stem().string();
    demo.file = path;
    demo.title = text(path, document, "title", "title");
    demo.summary = text(path, document, "summary", "summary");
    const json& seconds = required(path, document, "seconds", "seconds");
    if (!seconds.is_number() || !std::isfinite(seconds.get<double>()) || seconds.get<double>() <= 0.0
        || seconds.get<double>() > kMaxSeconds)
        fail(path, "seconds", "must be a number of seconds in (0, 600], got " + describeJsonValue(seconds));
    demo.seconds = seconds.get<double>();
    demo.explanationPath = siblingFile(path, document, "explanation");
    if (document.contains("picture"))
        demo.picturePath = siblingFile(path, document, "picture");
    if (document.contains("view")) {
        demo.view = text(path, document, "view", "view");
        static const std::set<std::string> kViews{"runs",     "escape-toy", "normalization", "compare",
                                                  "surfaces", "boundary",   "rescaling"};
        if (kViews.count(demo.view) == 0)
            fail(path, "view",
                 "must be \"runs\", \"escape-toy\", \"normalization\", \"compare\", \"surfaces\", \"boundary\" or "
                 "\"rescaling\", got '"
                     + excerptForMessage(demo.view) + "'");
    }
    if (document.contains("measure_every")) {
        const json& every = document.at("measure_every");
        if (!every.is_number_integer() || every.get<int64_t>() < 0 || every.get<int64_t>() > 1000000)
            fail(path, "measure_every", "must be an integer in [0, 1000000], got " + describeJsonValue(every));
        demo.measureEvery = every.get<int64_t>();
    }
    if (document.contains("measure_non_uniformity")) {
        const json& measure = document.at("measure_non_uniformity");
        if (!measure.is_boolean())
            fail(path, "measure_non_uniformity", "must be true or false, got " + describeJsonValue(measure));
        demo.measureNonUniformity = measure.get<bool>();
    }
    const json& runs = required(path, document, "runs", "runs");
    if (!runs.is_array() || runs.empty() || runs.size() > kMaxRuns)
        fail(path, "runs", "must be a list of 1 to " + std::to_string(kMaxRuns) + " runs");
    for (std::size_t i = 0; i < runs.size(); ++i)
        demo.runs.push_back(readRun(path, runs.at(i), i));
    if (demo.view == "escape-toy"
        && demo.runs.front().config.value("dataset", json::object()).value("name", "") != "escape-toy")
        fail(path, "view", "\"escape-toy\" needs a first run on the escape-toy data set");
    demo.tryNext = readTryNext(path, required(path, document, "try_next", "try_next"));
    // The suggestion must be a change the app accepts, not a typo the student runs into.
    json changed = demo.runs.front().config;
    try {
        applyOverride(changed, demo.tryNext.setting, demo.tryNext.value);
    } catch (const InputError& e) {
        fail(path, "try_next.setting", e.what());
    }
    validateRunConfig(path, "try_next", changed);
    return demo;
}

Demo findDemo(const std::string& name) { return readDemoFile(findResource("demos", name)); }

std::vector<Demo> listDemos()
{
    std::vector<Demo> demos;
    for (const std::string& name : listResources("demos"))
        demos.push_back(findDemo(name));
    return demos;
}

std::string readDemoExplanation(const Demo& demo) { return readWholeFile(demo.explanationPath); }

json tryNextConfig(const Demo& demo)
{
    json changed = demo.runs.front().config;
    applyOverride(changed, demo.tryNext.setting, demo.tryNext.value);
    return changed;
}

}   // namespace minimascope::core
