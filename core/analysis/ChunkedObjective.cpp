#include "analysis/ChunkedObjective.h"

#include "common/CancelToken.h"
#include "models/EvalModeScope.h"
#include "models/FlatParameters.h"
#include "models/Network.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>

namespace minimascope::core {

ChunkedObjective::ChunkedObjective(Network& network, FlatParameters& parameters, const Dataset& data,
                                   const CancelToken* cancel, int64_t chunk)
    : m_network(network), m_parameters(parameters), m_data(data), m_cancel(cancel), m_chunk(chunk)
{
    for (const auto& p : m_network.parameters())
        m_parameterTensors.push_back(p);
}

bool ChunkedObjective::cancelled() const { return m_cancel && m_cancel->isCancelled(); }

bool ChunkedObjective::forEachChunk(const ChunkBody& body)
{
    EvalModeScope evalMode(m_network);
    at::AutoGradMode gradMode(true);
    const int64_t n = m_data.size();
    for (int64_t start = 0; start < n; start += m_chunk) {
        if (cancelled())
            return false;
        const int64_t size = std::min(m_chunk, n - start);
        body(m_data.inputs.narrow(0, start, size), m_data.targets.narrow(0, start, size));
    }
    return true;
}

at::Tensor ChunkedObjective::flatGradient(const at::Tensor& scalar) const
{
    return m_parameters.flatten(torch::autograd::grad({scalar}, m_parameterTensors, {}, /*retain_graph=*/false,
                                                      /*create_graph=*/false, /*allow_unused=*/true));
}

}   // namespace minimascope::core
