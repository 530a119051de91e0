#pragma once
// Internal to the analysis library (used by ROperatorPasses): convolutions whose kernel differs from
// example to example, the per-example parts of a Sigma product on a convolutional layer. Each is
// a batched matrix product over the examples' input patches (im2col), computed in sub-batches so
// that the patches, k*k times larger than the input, stay small: allocations above glibc's
// largest mmap threshold (32 MB) are returned to the system when freed and fault their pages in
// again on every product, which costs more than the arithmetic here.
// Shapes: input [N, C, H, W], output error [N, O, H', W'], kernels [N, O, C * k * k].
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace minimascope::core::detail {

struct ConvolutionShape {
    int64_t kernel = 1;
    int64_t stride = 1;
    int64_t padding = 0;
};

// Example i's kernel gradient e_i (*) x_i, [N, O, C * k * k].
at::Tensor exampleKernelGradients(const at::Tensor& outputError, const at::Tensor& input,
                                  const ConvolutionShape& shape);
// out_i += conv(x_i, kernel_i), out [N, O, H', W'].
void addExampleConvolutions(at::Tensor& out, const at::Tensor& input, const at::Tensor& kernels,
                            const ConvolutionShape& shape);
// out_i += conv^T(e_i, kernel_i), the input error of example i's own kernel, out [N, C, H, W].
void addExampleTransposedConvolutions(at::Tensor& out, const at::Tensor& outputError, const at::Tensor& kernels,
                                      const ConvolutionShape& shape);

}   // namespace minimascope::core::detail
