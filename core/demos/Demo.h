#pragma once
// A teaching demo (resources/demos/NAME.json): one or more runs, each a shipped run preset
// (resources/presets) or a run config written into the demo file, plus what the gallery and the
// explanation dock show: a title, one sentence, the expected seconds on a 2-core laptop, the
// explanation (NAME.md beside the demo file: what to watch, why, the formula, the paper) and a
// "what to try next" line that changes exactly one config setting. The format:
//   {"format": "minimascope-demo", "version": 1,
//    "title": "...", "summary": "one sentence", "seconds": 5,
//    "explanation": "escape.md", "picture": "escape.png" (optional),
//    "view": "runs" (default), "escape-toy" (the animated 1D curve of the escape toy),
//            "normalization" (each run's minimum seen through raw and filter-normalized directions)
//            "compare" (a table of every run's end point: loss, test accuracy, a and s),
//            "surfaces" (minima of different networks side by side: the lesson trains every run
//            itself, nothing runs in the main window, and draws each minimum's filter-normalized
//            plane on one color scale above a table of loss, test accuracy, a and s) or
//            "boundary" (the decision regions of 2-D classifiers, redrawn while they train) or
//            "rescaling" (the first run's minimum under Dinh et al.'s T_alpha, alpha on a slider),
//    "measure_every": 2 (a and s every k iterations; 0 = only at the end; default 0),
//    "measure_non_uniformity": false (measure a only: s costs more; default true),
//    "runs": [{"label": "SGD, B = 1", "preset": "escape-toy-sgd"} or {"label": ..., "config": {...}}],
//    "try_next": {"setting": "optimizer.batch_size", "value": 2, "text": "..."}}
// Reading is strict (core/io/StrictJson, ConfigObject): unknown keys, a missing key, a preset
// that does not exist, a run config or a try-next setting the run config reader refuses, and a
// missing explanation or picture are InputErrors naming the file and the key. No Qt; reads the
// file system only, safe from any thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace minimascope::core {

struct DemoRun {
    std::string label;
    std::string preset;      // the shipped preset's name, or empty for a config in the demo file
    nlohmann::json config;   // the run config as written (the preset's file, or the inline one)
};

struct DemoTryNext {
    std::string setting;    // a dotted run config key ("optimizer.lr")
    nlohmann::json value;   // its new value
    std::string text;       // the line shown to the student
};

struct Demo {
    std::string name;   // file stem
    std::string file;   // path of NAME.json
    std::string title;
    std::string summary;                // one sentence
    double seconds = 0.0;               // expected wall time on a 2-core laptop
    std::string view = "runs";          // "runs", "escape-toy", "normalization", "compare", "surfaces", "boundary",
                                        // "rescaling"
    int64_t measureEvery = 0;           // curvature cadence of the runs; 0 = at the end only
    bool measureNonUniformity = true;   // s as well as a
    std::vector<DemoRun> runs;          // one to five, run one after the other
    DemoTryNext tryNext;
    std::string explanationPath;   // absolute or relative like `file`
    std::string picturePath;       // empty when the demo has none
};

// Reads and validates one demo file; the name is the file's stem.
Demo readDemoFile(const std::string& path);
// The shipped demo NAME (core::findResource("demos", NAME)); InputError listing the known ones.
Demo findDemo(const std::string& name);
// Every shipped demo, in name order. A broken file throws (it is a packaging error).
std::vector<Demo> listDemos();
// The explanation's Markdown text.
std::string readDemoExplanation(const Demo& demo);
// The first run's config with the try-next setting applied (validated when the demo was read).
nlohmann::json tryNextConfig(const Demo& demo);

}   // namespace minimascope::core
