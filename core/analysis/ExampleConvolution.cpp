#include "analysis/ExampleConvolution.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace minimascope::core::detail {

namespace {

// Patches of a sub-batch at most this large (well under glibc's 32 MB mmap threshold).
constexpr int64_t kPatchBytes = int64_t{16} << 20;

int64_t outputSize(int64_t size, const ConvolutionShape& shape)
{
    return (size + 2 * shape.padding - shape.kernel) / shape.stride + 1;
}

// Examples per sub-batch so that one sub-batch's patches fit kPatchBytes.
int64_t subBatch(const at::Tensor& input, const ConvolutionShape& shape)
{
    const int64_t perExample = input.size(1) * shape.kernel * shape.kernel * outputSize(input.size(2), shape)
                               * outputSize(input.size(3), shape) * static_cast<int64_t>(input.element_size());
    return std::max<int64_t>(1, kPatchBytes / std::max<int64_t>(1, perExample));
}

// [n, C * k * k, H' * W'] in the kernel's (C, ky, kx) order: views of the padded input, copied once.
at::Tensor patches(const at::Tensor& input, const ConvolutionShape& shape)
{
    const int64_t p = shape.padding;
    const at::Tensor padded = p > 0 ? at::constant_pad_nd(input, {p, p, p, p}) : input;
    const at::Tensor windows = padded.unfold(2, shape.kernel, shape.stride).unfold(3, shape.kernel, shape.stride);
    // windows: [n, C, H', W', k, k]
    return windows.permute({0, 1, 4, 5, 2, 3}).reshape({input.size(0), -1, windows.size(2) * windows.size(3)});
}

// The inverse arrangement: adds columns [n, C * k * k, H' * W'] back onto the input's positions.
at::Tensor foldPatches(const at::Tensor& columns, const at::Tensor& like, const ConvolutionShape& shape)
{
    return at::col2im(columns, {like.size(2), like.size(3)}, {shape.kernel, shape.kernel}, {1, 1},
                      {shape.padding, shape.padding}, {shape.stride, shape.stride});
}

template <typename PerSubBatch>
void forEachSubBatch(const at::Tensor& input, const ConvolutionShape& shape, PerSubBatch&& work)
{
    const int64_t n = input.size(0);
    const int64_t step = subBatch(input, shape);
    for (int64_t start = 0; start < n; start += step)
        work(start, std::min(step, n - start));
}

}   // namespace

at::Tensor exampleKernelGradients(const at::Tensor& outputError, const at::Tensor& input, const ConvolutionShape& shape)
{
    const int64_t n = input.size(0);
    at::Tensor kernels = at::empty({n, outputError.size(1), input.size(1) * shape.kernel * shape.kernel},
                                   input.options());
    forEachSubBatch(input, shape, [&](int64_t start, int64_t size) {
        at::Tensor target = kernels.narrow(0, start, size);
        at::bmm_out(target, outputError.narrow(0, start, size).flatten(2),
                    patches(input.narrow(0, start, size), shape).transpose(1, 2));
    });
    return kernels;
}

void addExampleConvolutions(at::Tensor& out, const at::Tensor& input, const at::Tensor& kernels,
                            const ConvolutionShape& shape)
{
    forEachSubBatch(input, shape, [&](int64_t start, int64_t size) {
        at::Tensor target = out.narrow(0, start, size).flatten(2);   // a view: out is contiguous
        target.baddbmm_(kernels.narrow(0, start, size), patches(input.narrow(0, start, size), shape));
    });
}

void addExampleTransposedConvolutions(at::Tensor& out, const at::Tensor& outputError, const at::Tensor& kernels,
                                      const ConvolutionShape& shape)
{
    forEachSubBatch(out, shape, [&](int64_t start, int64_t size) {
        const at::Tensor columns = at::bmm(kernels.narrow(0, start, size).transpose(1, 2),
                                           outputError.narrow(0, start, size).flatten(2));
        out.narrow(0, start, size).add_(foldPatches(columns, out, shape));
    });
}

}   // namespace minimascope::core::detail
