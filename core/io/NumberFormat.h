#pragma once
// How measured numbers are written to run folders. JSON has no NaN, so an unmeasured value is
// null; CSV leaves its field empty. Nine significant digits read back to the same float.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <string>

namespace minimascope::core {

inline nlohmann::json jsonNumber(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

// The inverse of jsonNumber: null (or a missing key) is NaN.
inline double numberFromJson(const nlohmann::json& object, const char* key)
{
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? std::nan("") : it->get<double>();
}

inline std::string csvNumber(double value)
{
    if (std::isnan(value))
        return "";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
    return buffer;
}

} // namespace minimascope::core
