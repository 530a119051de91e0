#include "io/ConfigOverrides.h"

#include "common/InputError.h"

namespace minimascope::core {

void applyOverride(nlohmann::json& config, const std::string& key, const nlohmann::json& value)
{
    nlohmann::json* node = &config;
    size_t start = 0;
    while (true) {
        const size_t dot = key.find('.', start);
        const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty())
            throw InputError("bad config key '" + key + "'");
        if (!node->is_object())
            throw InputError("cannot set '" + key + "': '" + key.substr(0, start - 1) + "' is not an object");
        if (dot == std::string::npos) {
            (*node)[part] = value;
            return;
        }
        node = &(*node)[part];
        if (node->is_null())
            *node = nlohmann::json::object();
        start = dot + 1;
    }
}

}   // namespace minimascope::core
