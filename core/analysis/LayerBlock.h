#pragma once
// Per-layer curvature: the layers of a flat parameter vector (its parameters grouped by module,
// e.g. "linear0" = linear0.weight + linear0.bias) and the diagonal block A_LL of an operator for
// one layer, matrix-free: v is embedded in the full space with zeros elsewhere, A is applied and
// the layer's part of the product kept (one full product per block product). Per-layer
// sharpness is lambda_max(H_LL); under the rescaling of Dinh et al. it moves by exactly
// 1/alpha_L^2 while the loss does not. Same threading and cancel rules as the wrapped operator.
#include "analysis/SymmetricOperator.h"

#include <string>
#include <vector>

namespace minimascope::core {

class FlatParameters;

struct ParameterLayer {
    std::string name;     // module name, e.g. "conv1"
    at::Tensor indices;   // int64 positions of its parameters in the flat vector
};

// In flat-vector order; a parameter with no '.' in its name is a layer of its own.
std::vector<ParameterLayer> parameterLayers(const FlatParameters& parameters);

SymmetricOperator layerBlock(const SymmetricOperator& op, const ParameterLayer& layer);

}   // namespace minimascope::core
