#pragma once
// Draws mini-batch indices from n examples by one of the three Sampling rules (RunConfig.h),
// from its own seeded generator: the same seed gives the same batches everywhere.
#include "train/RunConfig.h"

#include <ATen/core/Tensor.h>

#include <random>
#include <vector>

namespace minimascope::core {

class BatchSampler {
public:
    BatchSampler(int64_t n, int64_t batchSize, Sampling sampling, uint64_t seed);

    // The next batch's indices, int64 [B] (shorter at the end of a Shuffle epoch).
    at::Tensor next();
    // Completed passes over the data (for Shuffle: finished permutations; otherwise
    // examples drawn / n, rounded down).
    int64_t epoch() const { return m_epoch; }

private:
    uint64_t uniformBelow(uint64_t bound);
    void reshuffle();

    int64_t m_n;
    int64_t m_batchSize;
    Sampling m_sampling;
    std::mt19937_64 m_random;
    std::vector<int64_t> m_order;
    int64_t m_position = 0;
    int64_t m_drawn = 0;
    int64_t m_epoch = 0;
};

}   // namespace minimascope::core
