#pragma once
// BatchNorm statistics recomputed at a point of parameter space, for surfaces evaluated with
// stats recomputation (SurfaceRequest::batchNormData): after the parameters move, the stored
// running mean/variance belong to the centre, not to the point. As torch.optim.swa_utils.update_bn:
// every BatchNorm1d/2d layer's statistics are reset, its momentum set to "none" (a cumulative
// average over the chunks) and `data` passed through once without gradients, the BatchNorm
// layers alone in train mode; momentum and modes are restored after. With the data in one chunk
// the running mean and variance are exactly the batch mean and unbiased variance.
// Not thread-safe (writes the network's buffers). Cancel: checked per chunk; returns false with
// partial statistics (BatchNormBuffers puts the saved ones back).
#include "data/Dataset.h"

#include <vector>

namespace minimascope::core {

class CancelToken;
class Network;

// Returns false when cancelled. A network without BatchNorm is left as it is (true).
bool recomputeBatchNormStatistics(Network& network, const Dataset& data, const CancelToken* cancel = nullptr,
                                  int64_t chunk = 4096);

// Saves every buffer of the network (BatchNorm statistics) and copies them back on destruction,
// however the scope ends.
class BatchNormBuffers {
public:
    explicit BatchNormBuffers(Network& network);
    ~BatchNormBuffers();
    BatchNormBuffers(const BatchNormBuffers&) = delete;
    BatchNormBuffers& operator=(const BatchNormBuffers&) = delete;

private:
    std::vector<at::Tensor> m_buffers, m_saved;
};

}   // namespace minimascope::core
