#pragma once
// Strict reading of one JSON object of a config file: every getter names the full key in its
// error ("optimizer.lr must be > 0, got -1"), missing keys take the given default, and
// finish() rejects keys nobody asked for, so a typo never silently falls back to a default.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace minimascope::core {

class ConfigObject {
public:
    // Throws InputError when `value` is neither an object nor null (null reads as empty).
    ConfigObject(const nlohmann::json& value, std::string path);

    bool has(const std::string& key) const;
    double number(const std::string& key, double fallback, double min, double max);
    // Like number(), but the value must be strictly above `exclusiveMin` (and at most `max`).
    double positive(const std::string& key, double fallback, double exclusiveMin = 0.0, double max = 1e300);
    int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
    bool boolean(const std::string& key, bool fallback);
    // Also rejects text that is not UTF-8 (as a --set override can give), which JSON cannot hold.
    std::string string(const std::string& key, const std::string& fallback);
    std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed);
    std::vector<int64_t> integers(const std::string& key, const std::vector<int64_t>& fallback, int64_t min,
                                  int64_t max);
    ConfigObject object(const std::string& key);

    // Throws InputError naming the first key that no getter asked for.
    void finish() const;

private:
    std::string fullKey(const std::string& key) const;
    const nlohmann::json* find(const std::string& key);

    nlohmann::json m_value;
    std::string m_path;
    std::set<std::string> m_used;
};

}   // namespace minimascope::core
