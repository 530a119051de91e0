#pragma once
// How measured numbers are written to run folders. JSON has no NaN or infinity, so a value that
// is not finite (unmeasured, or a diverged loss) is null; CSV leaves NaN empty. JSON keeps full
// double precision; CSV keeps nine significant digits, enough for the float32 the models compute.
#include "common/InputError.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

namespace minimascope::core {

// A value not measured: NaN in memory, null in JSON (jsonNumber), empty in CSV (csvNumber).
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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

// True when `value` names the integer count in [lowest, highest] exactly: finite, whole, and within
// 2^53, beyond which doubles skip integers.
inline bool isExactCount(double value, int64_t lowest, int64_t highest)
{
    return std::isfinite(value) && value == std::floor(value) && std::fabs(value) <= 0x1p53
           && value >= static_cast<double>(lowest) && value <= static_cast<double>(highest);
}

// The inverse of csvNumber: empty is NaN; anything but a whole number throws InputError naming `where`.
inline double numberFromCsv(const std::string& text, const std::string& where)
{
    if (text.empty())
        return std::nan("");
    try {
        size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size())
            return value;
    } catch (const std::exception&) {
    }
    throw InputError(where + ": '" + text + "' is not a number");
}

// A size for a message: "512.0 MB" below a gigabyte, "34.4 GB" above (decimal units, as df prints).
inline std::string byteCount(int64_t bytes)
{
    char buffer[32];
    const double value = static_cast<double>(bytes);
    if (value < 1e9)
        std::snprintf(buffer, sizeof buffer, "%.1f MB", value / 1e6);
    else
        std::snprintf(buffer, sizeof buffer, "%.1f GB", value / 1e9);
    return buffer;
}

inline std::string csvNumber(double value)
{
    if (std::isnan(value))
        return "";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
    return buffer;
}

}   // namespace minimascope::core
