#pragma once
// The full-batch gradient at the current parameters as a landscape direction: g / |g| with
// g = grad (1/n) sum_i f_i over `data` (eval mode, BatchNorm with its running statistics), so
// alpha is a step of alpha parameter units down (alpha < 0) or up the steepest slope.
// Not thread-safe (uses the network); the parameters are unchanged.
// Cancel: checked per chunk of examples; returns an undefined tensor when cancelled.
// Errors: a zero gradient (an exact stationary point) throws InputError, as it has no direction.
#include "data/Dataset.h"

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;

at::Tensor gradientDirection(Network& network, FlatParameters& parameters, const Dataset& data,
                             const CancelToken* cancel = nullptr);

}   // namespace minimascope::core
