#pragma once
// The fast path of evaluateSurface for MLPs without BatchNorm (internal to core/landscape).
// The first layer's pre-activation is linear in (alpha, beta):
//   X (W0 + a D1 + b D2)^T + (b0 + a d1 + b d2) = P0 + a P1 + b P2,
// so the three products P0, P1, P2 [n, width0] are computed once and every point pays only for
// the deeper layers. Evaluation reads only tensors owned here (no module state), so any number
// of threads may call evaluate() at once.
#include "data/Dataset.h"
#include "models/Activation.h"
#include "train/Objective.h"

#include <array>
#include <memory>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;

class MlpSurfacePath {
public:
    // Examples per block: bounds the memory of a point's activations and the time between
    // cancel checks on large data sets.
    static constexpr int64_t kChunk = 4096;

    // nullptr when the network is not an MLP without BatchNorm whose parameters are laid out as
    // linearK.weight / linearK.bias. Precomputes P0, P1, P2 (cancellable: returns nullptr and
    // leaves `cancelled` true when the token fires meanwhile).
    static std::unique_ptr<MlpSurfacePath> tryCreate(Network& network, const FlatParameters& parameters,
                                                     const Dataset& data, const at::Tensor& origin,
                                                     const at::Tensor& direction1, const at::Tensor& direction2,
                                                     const CancelToken* cancel, bool& cancelled);

    // Loss and accuracy (NaN unless classification and `accuracy`) at origin + a D1 + b D2;
    // NaNs when cancelled midway.
    Evaluation evaluate(double alpha, double beta, bool accuracy, const CancelToken* cancel) const;

private:
    struct Affine {
        at::Tensor weight0, weight1, weight2;   // origin, direction1, direction2 parts ([out, in])
        at::Tensor bias0, bias1, bias2;         // [out]
    };

    MlpSurfacePath() = default;

    Task m_task = Task::Classification;
    Activation m_activation = Activation::Relu;
    at::Tensor m_targets;
    // Per chunk of examples: the first layer's three products.
    std::vector<std::array<at::Tensor, 3>> m_firstLayer;
    std::vector<Affine> m_deeperLayers;   // layers 1 .. L (the output layer last)
};

}   // namespace minimascope::core
