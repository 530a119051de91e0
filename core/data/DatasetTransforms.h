#pragma once
// Subsets and preprocessing of an in-memory data set. All functions return new data sets
// and leave their argument untouched; seeded ones are reproducible for a given seed.
// Bad arguments (n larger than the set, unknown classes) throw InputError.
#include "data/Dataset.h"

#include <cstdint>
#include <vector>

namespace minimascope::core {

// The first n examples, in file order.
Dataset takeFirst(const Dataset& data, int64_t n);

// A seeded class-stratified sample of n examples: each class gets n/k examples (the first
// n mod k classes one more), drawn uniformly without replacement, kept in file order.
Dataset stratifiedSample(const Dataset& data, int64_t n, uint64_t seed);

// Keeps only the listed classes and renumbers them 0..k-1 in the order given.
Dataset filterClasses(const Dataset& data, const std::vector<int64_t>& classes);

// Per-feature mean and standard deviation of a training set, to apply to it and its test set.
struct Standardization {
    at::Tensor mean;
    at::Tensor std;
};
Standardization fitStandardization(const Dataset& train);
Dataset applyStandardization(const Dataset& data, const Standardization& s);

}   // namespace minimascope::core
