#include "train/BatchSampler.h"

#include <ATen/ATen.h>

#include <numeric>

namespace minimascope::core {

BatchSampler::BatchSampler(int64_t n, int64_t batchSize, Sampling sampling, uint64_t seed)
    : m_n(n), m_batchSize(std::min(batchSize, n)), m_sampling(sampling), m_random(seed), m_order(n)
{
    std::iota(m_order.begin(), m_order.end(), int64_t{0});
    if (m_sampling == Sampling::Shuffle)
        reshuffle();
}

uint64_t BatchSampler::uniformBelow(uint64_t bound)
{
    // Rejection sampling rather than std::uniform_int_distribution, whose algorithm differs
    // between standard libraries: runs must be reproducible everywhere.
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % bound;
    uint64_t r;
    do {
        r = m_random();
    } while (r >= limit);
    return r % bound;
}

void BatchSampler::reshuffle()
{
    for (int64_t i = m_n - 1; i > 0; --i)
        std::swap(m_order[i], m_order[uniformBelow(static_cast<uint64_t>(i) + 1)]);
    m_position = 0;
}

at::Tensor BatchSampler::next()
{
    at::Tensor batch;
    switch (m_sampling) {
    case Sampling::Shuffle: {
        if (m_position >= m_n)
            reshuffle();
        const int64_t size = std::min(m_batchSize, m_n - m_position);
        batch = at::empty({size}, at::kLong);
        std::copy_n(m_order.begin() + m_position, size, batch.data_ptr<int64_t>());
        m_position += size;
        // The epoch is complete as soon as its last batch is drawn (not at the next call).
        if (m_position >= m_n)
            ++m_epoch;
        return batch;
    }
    case Sampling::Subset: {
        // A partial Fisher-Yates shuffle: the first B entries become a uniform B-subset.
        batch = at::empty({m_batchSize}, at::kLong);
        auto* out = batch.data_ptr<int64_t>();
        for (int64_t j = 0; j < m_batchSize; ++j) {
            std::swap(m_order[j], m_order[j + uniformBelow(static_cast<uint64_t>(m_n - j))]);
            out[j] = m_order[j];
        }
        break;
    }
    case Sampling::Replacement: {
        batch = at::empty({m_batchSize}, at::kLong);
        auto* out = batch.data_ptr<int64_t>();
        for (int64_t j = 0; j < m_batchSize; ++j)
            out[j] = static_cast<int64_t>(uniformBelow(static_cast<uint64_t>(m_n)));
        break;
    }
    }
    m_drawn += m_batchSize;
    m_epoch = m_drawn / m_n;
    return batch;
}

}   // namespace minimascope::core
