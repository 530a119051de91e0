#pragma once
// The analyses a reproduction runs after its study (docs/studies.md, "Follow-up analyses"): each
// is a minimascope-cli command (analyze or landscape) applied to runs chosen from the finished
// study, e.g. "the Hessian density at each optimizer's best run". The study file holds them as
// "follow_up"; core checks their shape and picks the runs, the CLI runs the commands.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace minimascope::core {

struct StudyRunRecord;

// Which runs a follow-up takes: among the finished runs whose resolved config has every value of
// `where` (dotted keys, e.g. "optimizer.name": "adam"), the best one, or with `bestPer` the best
// one for each value of that key (e.g. "optimizer.name": one run per optimizer). The best run is
// the one with the highest test accuracy (then the lowest train loss) among those that reached
// the loss target; a group with none of those takes the best of its other finished runs, which
// the reproduction's README says.
struct RunSelector {
    nlohmann::json where = nlohmann::json::object();
    std::string bestPer;
};

struct StudyFollowUp {
    std::string name;   // [a-z0-9-]: names the output folder DIR/follow-up/NAME
    RunSelector runs;
    bool hasPartner = false;            // "to": a second run whose parameters the command gets as --to
    RunSelector partner;                // (landscape --directions interpolate)
    std::vector<std::string> command;   // "analyze" or "landscape" and its options, without --run,
                                        // --to and --out, which the reproduction supplies
};

// Parses a study file's "follow_up" list; throws InputError naming the entry and key.
std::vector<StudyFollowUp> parseFollowUps(const nlohmann::json& list, const std::string& where);

// A run chosen by a selector: its index in the runs given, and the value of bestPer it stands for
// (empty without bestPer).
struct SelectedRun {
    size_t index = 0;
    std::string group;
};

// The runs `selector` takes from `runs` (the store's, by ordinal), ordered by group value. Runs
// that did not finish (to do, failed, diverged) are never taken.
std::vector<SelectedRun> selectRuns(const std::vector<StudyRunRecord>& runs, const RunSelector& selector);

}   // namespace minimascope::core
