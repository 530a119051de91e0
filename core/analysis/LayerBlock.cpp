#include "analysis/LayerBlock.h"

#include "models/FlatParameters.h"

#include <ATen/ATen.h>

namespace minimascope::core {

std::vector<ParameterLayer> parameterLayers(const FlatParameters& parameters)
{
    std::vector<ParameterLayer> layers;
    std::vector<std::vector<at::Tensor>> ranges;
    for (const ParameterSlice& slice : parameters.slices()) {
        const auto dot = slice.name.rfind('.');
        const std::string module = dot == std::string::npos ? slice.name : slice.name.substr(0, dot);
        if (layers.empty() || layers.back().name != module) {
            layers.push_back({module, {}});
            ranges.emplace_back();
        }
        ranges.back().push_back(at::arange(slice.offset, slice.offset + slice.numel, at::TensorOptions(at::kLong)));
    }
    for (size_t i = 0; i < layers.size(); ++i)
        layers[i].indices = at::cat(ranges[i]);
    return layers;
}

SymmetricOperator layerBlock(const SymmetricOperator& op, const ParameterLayer& layer)
{
    SymmetricOperator block;
    block.dimension = layer.indices.numel();
    block.dtype = op.dtype;
    const int64_t fullDimension = op.dimension;
    block.apply = [op, indices = layer.indices, fullDimension](const at::Tensor& v) -> at::Tensor {
        at::Tensor embedded = at::zeros({fullDimension}, v.options());
        embedded.index_copy_(0, indices, v);
        const at::Tensor product = op.apply(embedded);
        if (!product.defined())
            return {};
        return product.index_select(0, indices);
    };
    return block;
}

}   // namespace minimascope::core
