#include "study/FollowUp.h"

#include "common/InputError.h"
#include "io/StrictJson.h"
#include "study/StudyStore.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace minimascope::core {

namespace {

// The options the reproduction supplies itself: a follow-up that set them would write elsewhere
// or analyze another run than the one it was given.
const std::set<std::string>& suppliedOptions()
{
    static const std::set<std::string> options{"--run", "--to", "--out", "--params"};
    return options;
}

bool isName(const std::string& name)
{
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

RunSelector parseSelector(const nlohmann::json& json, const std::string& where)
{
    if (!json.is_object())
        throw InputError(where + " must be an object {\"where\": {KEY: value}, \"best_per\": KEY}");
    RunSelector selector;
    for (const auto& [key, value] : json.items()) {
        if (key == "where") {
            if (!value.is_object())
                throw InputError(where + ".where must be an object of KEY: value");
            for (const auto& [dotted, wanted] : value.items())
                if (dotted.empty() || wanted.is_object() || wanted.is_array())
                    throw InputError(where + ".where: '" + excerptForMessage(dotted)
                                     + "' must be a dotted config key with a number, string or boolean");
            selector.where = value;
        } else if (key == "best_per") {
            if (!value.is_string() || value.get<std::string>().empty())
                throw InputError(where + ".best_per must be a dotted config key, e.g. \"optimizer.name\"");
            selector.bestPer = value.get<std::string>();
        } else {
            throw InputError(where + ": unknown key '" + excerptForMessage(key) + "' (known: where, best_per)");
        }
    }
    return selector;
}

// The value at a dotted key of a resolved config, or null when there is none.
nlohmann::json valueAt(const nlohmann::json& config, const std::string& dotted)
{
    const nlohmann::json* node = &config;
    size_t start = 0;
    while (true) {
        const size_t dot = dotted.find('.', start);
        const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!node->is_object() || !node->contains(part))
            return nullptr;
        node = &(*node)[part];
        if (dot == std::string::npos)
            return *node;
        start = dot + 1;
    }
}

bool sameValue(const nlohmann::json& actual, const nlohmann::json& wanted)
{
    if (actual.is_number() && wanted.is_number())
        return actual.get<double>() == wanted.get<double>();
    return actual == wanted;
}

std::string groupName(const nlohmann::json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

double orWorst(double value, double worst) { return std::isnan(value) ? worst : value; }

// Converged before not; then the higher test accuracy; then the lower train loss.
bool better(const StudyRunRecord& a, const StudyRunRecord& b)
{
    if (a.converged != b.converged)
        return a.converged;
    const double accuracyA = orWorst(a.testAccuracy, -1.0), accuracyB = orWorst(b.testAccuracy, -1.0);
    if (accuracyA != accuracyB)
        return accuracyA > accuracyB;
    return orWorst(a.trainLoss, INFINITY) < orWorst(b.trainLoss, INFINITY);
}

}   // namespace

std::vector<StudyFollowUp> parseFollowUps(const nlohmann::json& list, const std::string& where)
{
    if (!list.is_array())
        throw InputError(where + ": 'follow_up' must be a list of {name, runs, command} objects");
    std::vector<StudyFollowUp> followUps;
    std::set<std::string> names;
    for (size_t i = 0; i < list.size(); ++i) {
        const std::string entry = where + ": follow_up[" + std::to_string(i) + "]";
        const nlohmann::json& item = list[i];
        if (!item.is_object())
            throw InputError(entry + " must be an object {name, runs, command}");
        StudyFollowUp followUp;
        for (const auto& [key, value] : item.items()) {
            if (key == "name") {
                if (!value.is_string() || !isName(value.get<std::string>()))
                    throw InputError(entry + ".name must be 1-64 characters of a-z, 0-9 and '-'");
                followUp.name = value.get<std::string>();
            } else if (key == "runs") {
                followUp.runs = parseSelector(value, entry + ".runs");
            } else if (key == "to") {
                followUp.partner = parseSelector(value, entry + ".to");
                followUp.hasPartner = true;
                if (!followUp.partner.bestPer.empty())
                    throw InputError(entry + ".to picks one run: it takes 'where' only, not 'best_per'");
            } else if (key == "command") {
                if (!value.is_array() || value.empty()
                    || !std::all_of(value.begin(), value.end(),
                                    [](const nlohmann::json& word) { return word.is_string(); }))
                    throw InputError(entry
                                     + ".command must be a list of words, e.g. [\"analyze\", \"--quantities\", "
                                       "\"density\"]");
                for (const nlohmann::json& word : value)
                    followUp.command.push_back(word.get<std::string>());
            } else {
                throw InputError(entry + ": unknown key '" + excerptForMessage(key)
                                 + "' (known: name, runs, to, command)");
            }
        }
        if (followUp.name.empty() || followUp.command.empty() || !item.contains("runs"))
            throw InputError(entry + " needs 'name', 'runs' and 'command'");
        if (!names.insert(followUp.name).second)
            throw InputError(entry + ": the name '" + followUp.name + "' is used twice");
        const std::string& command = followUp.command.front();
        if (command != "analyze" && command != "landscape")
            throw InputError(entry + ".command: '" + excerptForMessage(command)
                             + "' is not a follow-up command (analyze or landscape)");
        for (const std::string& word : followUp.command)
            if (suppliedOptions().count(word.substr(0, word.find('='))) > 0)
                throw InputError(entry + ".command sets " + word.substr(0, word.find('='))
                                 + ", which the reproduction supplies (the run, the second run and the output)");
        followUps.push_back(std::move(followUp));
    }
    return followUps;
}

std::vector<SelectedRun> selectRuns(const std::vector<StudyRunRecord>& runs, const RunSelector& selector)
{
    std::map<std::string, size_t> best;   // by group value: the index of its best run so far
    for (size_t index = 0; index < runs.size(); ++index) {
        const StudyRunRecord& run = runs[index];
        if (run.state != StudyRunState::Done)
            continue;
        const nlohmann::json config = nlohmann::json::parse(run.configJson);
        bool matches = true;
        for (const auto& [dotted, wanted] : selector.where.items())
            matches = matches && sameValue(valueAt(config, dotted), wanted);
        if (!matches)
            continue;
        std::string group;
        if (!selector.bestPer.empty()) {
            const nlohmann::json value = valueAt(config, selector.bestPer);
            if (value.is_null())
                continue;
            group = groupName(value);
        }
        const auto [it, inserted] = best.try_emplace(group, index);
        if (!inserted && better(run, runs[it->second]))
            it->second = index;
    }
    std::vector<SelectedRun> selected;
    for (const auto& [group, index] : best)
        selected.push_back({index, group});
    return selected;
}

}   // namespace minimascope::core
