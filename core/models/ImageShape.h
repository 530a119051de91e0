#pragma once
// Checks that a data set's per-example shape is an image {channels, height, width} large
// enough for a convolutional model, with an error that names the model otherwise.
#include "common/InputError.h"

#include <cstdint>
#include <string>
#include <vector>

namespace minimascope::core {

struct ImageShape {
    int64_t channels;
    int64_t height;
    int64_t width;
};

inline ImageShape requireImageShape(const std::vector<int64_t>& shape, const std::string& model, int64_t minSide)
{
    if (shape.size() != 3 || shape[1] < minSide || shape[2] < minSide)
        throw InputError("model '" + model + "' needs image inputs of at least " + std::to_string(minSide) + "x"
                         + std::to_string(minSide) + " pixels; this data set's examples are not images");
    return {shape[0], shape[1], shape[2]};
}

}   // namespace minimascope::core
