#include "analysis/CurvatureOperators.h"

#include "analysis/ROperatorCurvature.h"
#include "analysis/AutogradCurvature.h"
#include "models/Network.h"

#include <algorithm>

namespace minimascope::core {

namespace {

// Convolutional examples cost far more than an MLP's (LeNet-5: ~0.3 ms each in an H product), so
// their chunks are smaller: a cancel stays within ~0.1 s and the per-example patches stay small.
constexpr int64_t kConvolutionalChunk = 256;

bool isConvolutional(const Network& network)
{
    const LayerGraph graph = network.layerGraph();
    return graph.empty() || std::any_of(graph.nodes().begin(), graph.nodes().end(), [](const LayerNode& node) {
               return node.kind == LayerKind::Conv2d;
           });
}

}   // namespace

struct CurvatureOperators::Engines {
    std::unique_ptr<ROperatorCurvature> graph;
    std::unique_ptr<AutogradCurvature> autograd;
};

CurvatureOperators::CurvatureOperators(Network& network, FlatParameters& parameters, const Dataset& data,
                                       const CancelToken* cancel, bool forceNaive, int64_t chunk)
    : m_engines(std::make_unique<Engines>())
{
    if (isConvolutional(network))
        chunk = std::min(chunk, kConvolutionalChunk);
    if (!forceNaive && ROperatorCurvature::supports(network, data.task)) {
        m_engines->graph = std::make_unique<ROperatorCurvature>(network, parameters, data, cancel, chunk);
        m_hessian = m_engines->graph->hessian();
        m_covariance = m_engines->graph->covariance();
        m_path = "r-operator";
    } else {
        m_engines->autograd = std::make_unique<AutogradCurvature>(network, parameters, data, cancel, chunk);
        m_hessian = m_engines->autograd->hessian();
        m_covariance = m_engines->autograd->covariance();
        m_path = "autograd";
    }
}

CurvatureOperators::~CurvatureOperators() = default;

}   // namespace minimascope::core
