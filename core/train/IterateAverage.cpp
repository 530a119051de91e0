#include "train/IterateAverage.h"

#include <ATen/ATen.h>

namespace minimascope::core {

void IterateAverage::add(const at::Tensor& iterate)
{
    at::NoGradGuard noGrad;
    const at::Tensor x = iterate.detach().to(at::kDouble);
    ++m_count;
    if (m_count == 1) {
        m_mean = x.clone();
        m_dtype = iterate.scalar_type();
        return;
    }
    m_mean.add_(x - m_mean, 1.0 / static_cast<double>(m_count));
}

void IterateAverage::reset()
{
    m_mean = at::Tensor();
    m_count = 0;
}

at::Tensor IterateAverage::mean() const { return m_count == 0 ? at::Tensor() : m_mean.to(m_dtype); }

}   // namespace minimascope::core
