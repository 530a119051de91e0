#pragma once
// What the axes of a landscape mean, in the words every figure puts on them: from the sidecar's
// "directions" (docs/landscape.md: random, eigen, gradient, interpolate, scale, permutation, ...)
// and, for random directions, their "normalization" (filter, layer, none). One place, so that a
// 1D overlay and a study's surface name the same direction alike.
#include <QString>

#include <string>

namespace minimascope::ui {

struct DirectionText {
    QString curveTitle;   // the title of a 1D curve along alpha
    QString alpha;        // the first axis
    QString beta;         // the second axis of a surface
};

// Plain "α" and "β" (and a generic title) for a kind it does not know, or an empty one.
DirectionText directionText(const std::string& directions, const std::string& normalization = {});

}   // namespace minimascope::ui
