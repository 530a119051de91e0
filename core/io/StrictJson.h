#pragma once
// Strict parsing of JSON the user supplied (configs, index files, projects, command-line
// values). Beyond nlohmann's own checks it rejects what that library accepts silently or
// survives badly: duplicate keys (it keeps the last), nesting deeper than kMaxJsonDepth (copying
// or printing a deeply nested value recurses once a level and overflows the stack), and it
// turns every library error (syntax, invalid UTF-8, a number beyond a double such as 1e400)
// into an InputError that names `what` (usually the file) and the key being read, with any
// echoed text cut short. Thread-safe (no shared state).
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace minimascope::core {

// Containers (objects and arrays) nested in one another; real configs use four or five.
constexpr int kMaxJsonDepth = 64;

nlohmann::json parseStrictJson(const std::string& text, const std::string& what);

// Throws InputError naming `what` when `value` nests containers deeper than kMaxJsonDepth.
// Iterative, so it is safe on values built without parseStrictJson.
void requireJsonDepth(const nlohmann::json& value, const std::string& what);

// Text for an error message: at most `maxChars` characters (then "..."), with control
// characters and bytes that are not UTF-8 shown as \xNN, so that a message is never huge or
// garbled.
std::string excerptForMessage(std::string_view text, std::size_t maxChars = 80);

// `value` printed as JSON for an error message, cut like excerptForMessage.
std::string describeJsonValue(const nlohmann::json& value);

bool isValidUtf8(std::string_view text);

}   // namespace minimascope::core
