#pragma once
// The training objective f(theta) = (1/n) sum_i f_i(theta) of a network over a data set as the
// matrix-free curvature products (AutogradCurvature, GradientCovariance) visit it: the examples
// in chunks of `chunk`, so that memory stays bounded, with the network in eval mode (BatchNorm
// with its running statistics, so that each f_i depends on example i alone; the mode it had is
// restored after) and grad mode on. Runs on the calling thread; not thread-safe.
// Cancel: checked before each chunk; a cancelled visit says so and skips the remaining chunks.
#include "data/Dataset.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;

class ChunkedObjective {
public:
    ChunkedObjective(Network& network, FlatParameters& parameters, const Dataset& data, const CancelToken* cancel,
                     int64_t chunk);

    Network& network() { return m_network; }
    FlatParameters& parameters() { return m_parameters; }
    const Dataset& data() const { return m_data; }
    const CancelToken* cancelToken() const { return m_cancel; }
    int64_t chunk() const { return m_chunk; }
    // The network's parameter tensors in the flat vector's slice order: what autograd
    // differentiates with respect to.
    const std::vector<at::Tensor>& parameterTensors() const { return m_parameterTensors; }

    bool cancelled() const;

    // Calls `body` with the inputs and targets of each chunk, in order; false when a cancel
    // request stopped the visit before a chunk.
    using ChunkBody = std::function<void(const at::Tensor& inputs, const at::Tensor& targets)>;
    bool forEachChunk(const ChunkBody& body);

    // The gradient of `scalar` with respect to the parameters as a flat vector (zeros where the
    // scalar does not reach a parameter); frees the scalar's graph.
    at::Tensor flatGradient(const at::Tensor& scalar) const;

private:
    Network& m_network;
    FlatParameters& m_parameters;
    const Dataset& m_data;
    const CancelToken* m_cancel;
    int64_t m_chunk;
    std::vector<at::Tensor> m_parameterTensors;
};

}   // namespace minimascope::core
