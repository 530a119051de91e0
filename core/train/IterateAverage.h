#pragma once
// The running mean of a sequence of parameter vectors (SWA-style averaging of SGD iterates, as in
// He, Huang & Yuan 2019 and Izmailov et al. 2018): mean_k = mean_{k-1} + (x_k - mean_{k-1}) / k,
// accumulated in double precision so that 10^5 float iterates average without drift.
// Not thread-safe; add() copies what it needs (the caller may keep changing its vector).
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace minimascope::core {

class IterateAverage {
public:
    // Adds one iterate (a 1-D tensor; every iterate the same size and dtype).
    void add(const at::Tensor& iterate);
    void reset();
    int64_t count() const { return m_count; }
    // The mean in the iterates' dtype; undefined before the first add().
    at::Tensor mean() const;

private:
    at::Tensor m_mean;   // double
    at::ScalarType m_dtype = at::kFloat;
    int64_t m_count = 0;
};

}   // namespace minimascope::core
