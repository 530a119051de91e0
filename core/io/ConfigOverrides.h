#pragma once
// "a.b.c" = value assignments into a JSON config document, creating objects on the way: what
// `--set KEY=VALUE` and a study's axes do to a base config. Throws InputError for an empty key
// part or a path through a value that is not an object.
#include <nlohmann/json.hpp>

#include <string>

namespace minimascope::core {

void applyOverride(nlohmann::json& config, const std::string& key, const nlohmann::json& value);

}   // namespace minimascope::core
