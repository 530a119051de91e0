#pragma once
// Thrown for anything the user supplied that cannot be used: a config key, a data file, a
// path. The message names the culprit (file, key) and the problem, and is meant to be shown
// as it is. Programming errors use other exception types.
#include <stdexcept>
#include <string>

namespace minimascope::core {

class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace minimascope::core
