#include "io/StrictJson.h"

#include "common/InputError.h"

#include <cstdio>
#include <set>
#include <utility>
#include <vector>

namespace minimascope::core {

namespace {

using Json = nlohmann::json;

// One open container while parsing: its keys so far (objects) and the last key read, which is
// where the next value goes.
struct OpenContainer {
    bool object = false;
    std::set<std::string> keys;
    std::string lastKey;
};

// Where the parser is, as "optimizer.lr" ("t[].k" for a key of an object inside a list; lists
// at the end are the key's value, not part of the key).
std::string keyPath(const std::vector<OpenContainer>& open)
{
    std::string path;
    std::string lists;
    for (const OpenContainer& c : open) {
        if (!c.object) {
            if (!path.empty())
                lists += "[]";
            continue;
        }
        if (c.lastKey.empty())
            break;
        path += lists + (path.empty() ? "" : ".") + c.lastKey;
        lists.clear();
    }
    return path;
}

// The library's message without its "[json.exception.parse_error.101] " tag, cut short: it
// quotes the last token read, which may be the whole rest of the file.
std::string libraryMessage(const Json::exception& e)
{
    std::string_view text = e.what();
    const std::size_t tagEnd = text.find("] ");
    if (text.rfind("[json.exception.", 0) == 0 && tagEnd != std::string_view::npos)
        text.remove_prefix(tagEnd + 2);
    return excerptForMessage(text, 160);
}

std::string atKey(const std::vector<OpenContainer>& open)
{
    const std::string path = keyPath(open);
    return path.empty() ? std::string() : " at key '" + excerptForMessage(path) + "'";
}

// The length of the UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8SequenceLength(std::string_view text, std::size_t i)
{
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;   // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const auto byte = static_cast<unsigned char>(text[i + k]);
        if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF))
            return 0;
    }
    return length;
}

}   // namespace

std::string excerptForMessage(std::string_view text, std::size_t maxChars)
{
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++chars) {
        if (chars >= maxChars) {
            out += "...";
            break;
        }
        const std::size_t length = utf8SequenceLength(text, i);
        const auto byte = static_cast<unsigned char>(text[i]);
        if (length > 1 || (length == 1 && byte >= 0x20 && byte < 0x7f)) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            out += escaped;
            ++i;
        }
    }
    return out;
}

std::string describeJsonValue(const Json& value)
{
    // The replacing handler: dump() would otherwise throw on a string that is not UTF-8.
    return excerptForMessage(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

bool isValidUtf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

Json parseStrictJson(const std::string& text, const std::string& what)
{
    std::vector<OpenContainer> open;
    const Json::parser_callback_t check = [&](int depth, Json::parse_event_t event, Json& parsed) {
        switch (event) {
        case Json::parse_event_t::object_start:
        case Json::parse_event_t::array_start:
            // `depth` counts the containers already open around this one.
            if (depth >= kMaxJsonDepth)
                throw InputError(what + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"
                                 + atKey(open));
            open.push_back(OpenContainer{event == Json::parse_event_t::object_start, {}, {}});
            break;
        case Json::parse_event_t::object_end:
        case Json::parse_event_t::array_end: open.pop_back(); break;
        case Json::parse_event_t::key: {
            OpenContainer& object = open.back();
            object.lastKey = parsed.get<std::string>();
            if (!object.keys.insert(object.lastKey).second)
                throw InputError(what + ": duplicate key '" + excerptForMessage(keyPath(open))
                                 + "' (JSON keeps only one of them; remove the other)");
            break;
        }
        case Json::parse_event_t::value: break;
        }
        return true;
    };
    try {
        return Json::parse(text, check);
    } catch (const Json::out_of_range& e) {
        // Id 406: a number beyond a double, such as 1e400.
        if (e.id == 406)
            throw InputError(what + ": a number is too large for a double" + atKey(open) + " (" + libraryMessage(e)
                             + ")");
        throw InputError(what + ": not valid JSON" + atKey(open) + " (" + libraryMessage(e) + ")");
    } catch (const Json::exception& e) {
        throw InputError(what + ": not valid JSON" + atKey(open) + " (" + libraryMessage(e) + ")");
    }
}

void requireJsonDepth(const Json& value, const std::string& what)
{
    std::vector<std::pair<const Json*, int>> pending{{&value, 1}};
    while (!pending.empty()) {
        const auto [node, depth] = pending.back();
        pending.pop_back();
        if (!node->is_structured())
            continue;
        if (depth > kMaxJsonDepth)
            throw InputError(what + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        for (const Json& child : *node)
            pending.emplace_back(&child, depth + 1);
    }
}

}   // namespace minimascope::core
