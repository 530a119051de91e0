#include "io/ConfigObject.h"

#include "common/InputError.h"
#include "io/StrictJson.h"

#include <cmath>
#include <sstream>

namespace minimascope::core {

namespace {

std::string show(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

}   // namespace

ConfigObject::ConfigObject(const nlohmann::json& value, std::string path) : m_path(std::move(path))
{
    // Before the copy below: copying recurses once a level, and a value nested 100,000 deep
    // (which a parser without parseStrictJson's cap accepts) would overflow the stack.
    requireJsonDepth(value, m_path.empty() ? std::string("the config") : "config key '" + m_path + "'");
    m_value = value.is_null() ? nlohmann::json::object() : value;
    if (!m_value.is_object())
        throw InputError(m_path, "config key '" + m_path + "' must be an object");
}

std::string ConfigObject::fullKey(const std::string& key) const { return m_path.empty() ? key : m_path + "." + key; }

bool ConfigObject::has(const std::string& key) const { return m_value.contains(key) && !m_value.at(key).is_null(); }

const nlohmann::json* ConfigObject::find(const std::string& key)
{
    m_used.insert(key);
    if (!has(key))
        return nullptr;
    return &m_value.at(key);
}

double ConfigObject::number(const std::string& key, double fallback, double min, double max)
{
    const nlohmann::json* v = find(key);
    if (!v)
        return fallback;
    if (!v->is_number())
        throw InputError(fullKey(key),
                         "config key '" + fullKey(key) + "' must be a number, got " + describeJsonValue(*v));
    const double value = v->get<double>();
    if (!std::isfinite(value) || value < min || value > max)
        throw InputError(fullKey(key), "config key '" + fullKey(key) + "' must be in [" + show(min) + ", " + show(max)
                                           + "], got " + show(value));
    return value;
}

double ConfigObject::positive(const std::string& key, double fallback, double exclusiveMin, double max)
{
    const double value = number(key, fallback, exclusiveMin, max);
    if (value <= exclusiveMin)
        throw InputError(fullKey(key),
                         "config key '" + fullKey(key) + "' must be > " + show(exclusiveMin) + ", got " + show(value));
    return value;
}

int64_t ConfigObject::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max)
{
    const nlohmann::json* v = find(key);
    if (!v)
        return fallback;
    if (!v->is_number_integer())
        throw InputError(fullKey(key),
                         "config key '" + fullKey(key) + "' must be an integer, got " + describeJsonValue(*v));
    // get<int64_t>() would wrap an unsigned value above INT64_MAX into a negative one.
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(max))
        throw InputError(fullKey(key), "config key '" + fullKey(key) + "' must be in [" + std::to_string(min) + ", "
                                           + std::to_string(max) + "], got " + describeJsonValue(*v));
    const auto value = v->get<int64_t>();
    if (value < min || value > max)
        throw InputError(fullKey(key), "config key '" + fullKey(key) + "' must be in [" + std::to_string(min) + ", "
                                           + std::to_string(max) + "], got " + std::to_string(value));
    return value;
}

bool ConfigObject::boolean(const std::string& key, bool fallback)
{
    const nlohmann::json* v = find(key);
    if (!v)
        return fallback;
    if (!v->is_boolean())
        throw InputError(fullKey(key),
                         "config key '" + fullKey(key) + "' must be true or false, got " + describeJsonValue(*v));
    return v->get<bool>();
}

std::string ConfigObject::string(const std::string& key, const std::string& fallback)
{
    const nlohmann::json* v = find(key);
    if (!v)
        return fallback;
    if (!v->is_string())
        throw InputError(fullKey(key),
                         "config key '" + fullKey(key) + "' must be a string, got " + describeJsonValue(*v));
    std::string text = v->get<std::string>();
    if (!isValidUtf8(text))
        throw InputError(fullKey(key),
                         "config key '" + fullKey(key) + "' must be UTF-8 text, got '" + excerptForMessage(text) + "'");
    return text;
}

std::string ConfigObject::choice(const std::string& key, const std::string& fallback,
                                 const std::vector<std::string>& allowed)
{
    const std::string value = string(key, fallback);
    for (const auto& a : allowed)
        if (a == value)
            return value;
    std::string list;
    for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
    throw InputError(fullKey(key), "config key '" + fullKey(key) + "' must be one of " + list + ", got '"
                                       + excerptForMessage(value) + "'");
}

std::vector<int64_t> ConfigObject::integers(const std::string& key, const std::vector<int64_t>& fallback, int64_t min,
                                            int64_t max)
{
    const nlohmann::json* v = find(key);
    if (!v)
        return fallback;
    if (!v->is_array())
        throw InputError(fullKey(key),
                         "config key '" + fullKey(key) + "' must be a list of integers, got " + describeJsonValue(*v));
    std::vector<int64_t> values;
    for (const auto& item : *v) {
        const bool wraps = item.is_number_unsigned() && item.get<uint64_t>() > static_cast<uint64_t>(max);
        if (!item.is_number_integer() || wraps || item.get<int64_t>() < min || item.get<int64_t>() > max)
            throw InputError(fullKey(key), "config key '" + fullKey(key) + "' must hold integers in ["
                                               + std::to_string(min) + ", " + std::to_string(max) + "], got "
                                               + describeJsonValue(item));
        values.push_back(item.get<int64_t>());
    }
    return values;
}

ConfigObject ConfigObject::object(const std::string& key)
{
    const nlohmann::json* v = find(key);
    return ConfigObject(v ? *v : nlohmann::json::object(), fullKey(key));
}

void ConfigObject::finish() const
{
    for (const auto& item : m_value.items()) {
        if (m_used.count(item.key()) == 0) {
            std::string known;
            for (const auto& k : m_used)
                known += (known.empty() ? "" : ", ") + k;
            throw InputError(fullKey(item.key()), "config key '" + excerptForMessage(fullKey(item.key()))
                                                      + "' is unknown (known here: " + known + ")");
        }
    }
}

}   // namespace minimascope::core
