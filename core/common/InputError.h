#pragma once
// Thrown for anything the user supplied that cannot be used: a config key, a data file, a
// path. The message names the culprit (file, key) and the problem, and is meant to be shown
// as it is. An error about one config key also carries that key, so that a form can mark the
// field it belongs to without reading the message. Programming errors use other exception types.
#include <stdexcept>
#include <string>

namespace minimascope::core {

class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& message) : std::runtime_error(message) { }
    // `key` is the full dotted config key the error is about ("optimizer.lr").
    InputError(std::string key, const std::string& message) : std::runtime_error(message), m_key(std::move(key)) { }

    // The config key, or empty when the error is not about one.
    const std::string& key() const noexcept { return m_key; }

private:
    std::string m_key;
};

}   // namespace minimascope::core
