#pragma once
// The message of the InputError that f throws, or an empty string when it throws none: tests
// assert that bad input is rejected *and* that the message names the culprit.
#include "common/InputError.h"

#include <QString>

#include <functional>

inline QString inputErrorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const minimascope::core::InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}
