#pragma once
// Internal to the analysis library (used by ROperatorCurvature): Pearlmutter's R-operator written out
// for each kind of LayerGraph node, batched over a chunk of examples. Every example's loss f_i
// depends on its own row only (BatchNorm uses its running statistics), so one batched pass gives
// all the per-example quantities at once.
//   primal:  forward values and back-propagated errors d(sum_i f_i)/d(node output), which depend
//            on the parameters only (ROperatorCurvature reuses them across products);
//   tangent: forward and backward tangents along a direction of the parameters, which may be
//            shared by all examples (v, or -H v) and/or differ per example (u_i = H_i v, kept from
//            an earlier pass), and the tangent of the gradient: sum_i H_i d_i.
// Cancel: both passes check the token before every node, so a cancel is seen within one layer's
// work (a chunk of a large convolutional network takes far longer than 200 ms as a whole).
#include "data/Dataset.h"
#include "models/LayerGraph.h"

#include <ATen/core/Tensor.h>

#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;

namespace detail {

// Example i's direction restricted to one node's parameters, for a chunk of N examples:
//   Linear:    u_i|W = bias_i x_i^T + error_i inputDot_i^T (rank 2; x and error from the
//              primal pass), u_i|b = bias_i; inputDot undefined for a layer reading the data;
//   Conv2d:    weight [N, out, in * k * k], bias [N, out] (undefined without a bias);
//   BatchNorm: weight [N, C] (gamma), bias [N, C] (beta).
struct NodeDirections {
    at::Tensor weight, bias, inputDot;
};
using ExampleDirections = std::vector<NodeDirections>;   // one entry a node

// One chunk at fixed parameters.
struct PrimalPass {
    std::vector<at::Tensor> values;        // node outputs that later passes read (undefined otherwise)
    std::vector<at::Tensor> errors;        // d(sum_i f_i)/d(output), kept where tangents need it
    std::vector<at::Tensor> poolIndices;   // MaxPool2d
    at::Tensor probabilities;              // classification: softmax of the output
    // Linear nodes, [N, 1]: x_i.x_i (+ 1 for the bias's constant input) and e_i.e_i, what the
    // rank-2 per-example directions need.
    std::vector<at::Tensor> inputSquares, errorSquares;
    at::Tensor input;
    bool complete = false;   // false when cancelled midway: not to be used
    int64_t bytes() const;
};

// What a tangent pass reads and writes; absent parts are left out.
struct TangentRequest {
    const at::Tensor* shared = nullptr;              // flat direction for every example (required)
    const ExampleDirections* perExample = nullptr;   // plus each example's own part
    at::Tensor* sum = nullptr;                       // += sum_i H_i d_i (flat)
    ExampleDirections* keep = nullptr;               // receives each example's H_i d_i
};

class ROperatorPasses {
public:
    // Throws std::invalid_argument when a node's parameter is not a slice of `parameters`.
    ROperatorPasses(const LayerGraph& graph, const FlatParameters& parameters, Task task,
                    const CancelToken* cancel = nullptr);

    PrimalPass primal(const at::Tensor& inputs, const at::Tensor& targets) const;
    // False (with request.sum and request.keep partly written) when cancelled midway.
    bool tangent(const PrimalPass& primal, const TangentRequest& request) const;
    static int64_t bytes(const ExampleDirections& directions);

private:
    struct Node;
    at::Tensor parameterSlice(const at::Tensor& flat, int slice) const;
    at::Tensor inputValue(const PrimalPass& primal, size_t node, size_t which = 0) const;

    std::vector<LayerNode> m_nodes;
    std::vector<int> m_weightSlice, m_biasSlice;   // FlatParameters slice indices, -1 for none
    std::vector<bool> m_dependsOnParameters;       // the node's output moves with the parameters
    std::vector<bool> m_keepError;                 // the tangent pass reads the node's error
    std::vector<bool> m_keepValue;                 // later passes read the node's output
    const FlatParameters& m_parameters;
    Task m_task;
    const CancelToken* m_cancel;
};

}   // namespace detail
}   // namespace minimascope::core
