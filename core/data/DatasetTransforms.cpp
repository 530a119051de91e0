#include "data/DatasetTransforms.h"

#include "common/InputError.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

namespace minimascope::core {

namespace {

// Features whose spread is below this are (numerically) constant: they are centred but not
// scaled, so that they come out as zeros rather than as rounding noise blown up by 1/std.
constexpr double kMinStd = 1e-8;

// Same metadata, rows picked by an int64 index tensor (copies, never views).
Dataset subset(const Dataset& data, const at::Tensor& index)
{
    Dataset out = data;
    out.inputs = data.inputs.index_select(0, index);
    out.targets = data.targets.index_select(0, index);
    return out;
}

void requireClassification(const Dataset& data, const char* what)
{
    if (data.task != Task::Classification)
        throw InputError(data.name + ": " + what + " needs a classification set");
}

// Uniform integer in [0, bound) from the raw 64-bit output, rejecting the few values that
// would bias the modulo; std::uniform_int_distribution differs between standard libraries.
uint64_t uniformBelow(std::mt19937_64& rng, uint64_t bound)
{
    const uint64_t threshold = (0 - bound) % bound;   // 2^64 mod bound
    for (;;) {
        const uint64_t x = rng();
        if (x >= threshold)
            return x % bound;
    }
}

// Moves a uniform random m-subset of v to its front (partial Fisher-Yates).
void shuffleFront(std::vector<int64_t>& v, size_t m, std::mt19937_64& rng)
{
    for (size_t i = 0; i < m; ++i) {
        const size_t j = i + static_cast<size_t>(uniformBelow(rng, v.size() - i));
        std::swap(v[i], v[j]);
    }
}

// Labels as a plain vector, checked so that they can index per-class tables.
std::vector<int64_t> checkedLabels(const Dataset& data)
{
    const at::Tensor labels = data.targets.to(at::kLong).contiguous();
    const auto* label = labels.data_ptr<int64_t>();
    std::vector<int64_t> out(label, label + labels.numel());
    for (size_t i = 0; i < out.size(); ++i) {
        if (out[i] < 0 || out[i] >= data.numClasses)
            throw InputError(data.name + ": label " + std::to_string(out[i]) + " at index " + std::to_string(i)
                             + " is outside 0.." + std::to_string(data.numClasses - 1));
    }
    return out;
}

at::Tensor indexTensor(const std::vector<int64_t>& index) { return at::tensor(index, at::kLong); }

}   // namespace

Dataset takeFirst(const Dataset& data, int64_t n)
{
    if (n <= 0 || n > data.size())
        throw InputError(data.name + ": cannot take the first " + std::to_string(n) + " examples of a set of "
                         + std::to_string(data.size()));
    return subset(data, at::arange(n, at::kLong));
}

Dataset stratifiedSample(const Dataset& data, int64_t n, uint64_t seed)
{
    requireClassification(data, "stratified sampling");
    const int64_t k = data.numClasses;
    if (n <= 0 || n > data.size())
        throw InputError(data.name + ": cannot sample " + std::to_string(n) + " examples from a set of "
                         + std::to_string(data.size()));
    if (n < k)
        throw InputError(data.name + ": a stratified sample of " + std::to_string(n) + " examples cannot hold all "
                         + std::to_string(k) + " classes");

    const std::vector<int64_t> labels = checkedLabels(data);
    std::vector<std::vector<int64_t>> byClass(static_cast<size_t>(k));
    for (size_t i = 0; i < labels.size(); ++i)
        byClass[static_cast<size_t>(labels[i])].push_back(static_cast<int64_t>(i));

    std::mt19937_64 rng(seed);
    std::vector<int64_t> chosen;
    for (int64_t c = 0; c < k; ++c) {
        auto& pool = byClass[static_cast<size_t>(c)];
        const int64_t want = n / k + (c < n % k ? 1 : 0);
        if (static_cast<int64_t>(pool.size()) < want)
            throw InputError(data.name + ": class " + std::to_string(c) + " has " + std::to_string(pool.size())
                             + " examples, the sample needs " + std::to_string(want));
        shuffleFront(pool, static_cast<size_t>(want), rng);
        chosen.insert(chosen.end(), pool.begin(), pool.begin() + want);
    }
    std::sort(chosen.begin(), chosen.end());   // file order
    return subset(data, indexTensor(chosen));
}

Dataset filterClasses(const Dataset& data, const std::vector<int64_t>& classes)
{
    requireClassification(data, "filtering classes");
    if (classes.empty())
        throw InputError(data.name + ": the list of classes to keep is empty");
    std::vector<int64_t> newLabel(static_cast<size_t>(data.numClasses), -1);
    for (size_t i = 0; i < classes.size(); ++i) {
        const int64_t c = classes[i];
        if (c < 0 || c >= data.numClasses)
            throw InputError(data.name + ": class " + std::to_string(c) + " does not exist (the set has "
                             + std::to_string(data.numClasses) + " classes)");
        if (newLabel[static_cast<size_t>(c)] >= 0)
            throw InputError(data.name + ": class " + std::to_string(c) + " is listed twice");
        newLabel[static_cast<size_t>(c)] = static_cast<int64_t>(i);
    }

    const std::vector<int64_t> labels = checkedLabels(data);
    std::vector<int64_t> keep;
    std::vector<int64_t> renumbered;
    for (size_t i = 0; i < labels.size(); ++i) {
        const int64_t mapped = newLabel[static_cast<size_t>(labels[i])];
        if (mapped >= 0) {
            keep.push_back(static_cast<int64_t>(i));
            renumbered.push_back(mapped);
        }
    }
    if (keep.empty())
        throw InputError(data.name + ": no examples belong to the listed classes");

    Dataset out = subset(data, indexTensor(keep));
    out.targets = indexTensor(renumbered);
    out.numClasses = static_cast<int64_t>(classes.size());
    return out;
}

Standardization fitStandardization(const Dataset& train)
{
    if (train.size() == 0)
        throw InputError(train.name + ": cannot fit a standardization to an empty set");
    // Accumulated in double: sums over 60,000 images lose digits in float.
    const at::Tensor x = train.inputs.to(at::kDouble);
    const at::Tensor mean = x.mean(0);
    at::Tensor spread = x.std(0, /*unbiased=*/false);
    spread = at::where(spread < kMinStd, at::ones_like(spread), spread);
    return {mean.to(train.inputs.scalar_type()), spread.to(train.inputs.scalar_type())};
}

Dataset applyStandardization(const Dataset& data, const Standardization& s)
{
    if (!s.mean.defined() || !s.std.defined())
        throw std::invalid_argument("applyStandardization: the standardization was not fitted");
    if (data.inputs.sizes().slice(1) != s.mean.sizes())
        throw InputError(data.name + ": the standardization was fitted to examples of shape " + c10::str(s.mean.sizes())
                         + ", this set has " + c10::str(data.inputs.sizes().slice(1)));
    Dataset out = data;
    out.inputs = (data.inputs - s.mean) / s.std;
    return out;
}

}   // namespace minimascope::core
