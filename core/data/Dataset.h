#pragma once
// A labelled data set held in memory as two tensors.
//   Classification: inputs float32 [n, ...inputShape], targets int64 [n] in [0, numClasses).
//   Regression:     inputs float32 [n, d], targets float32 [n, outputs].
//   DirectLoss:     the model's output for an example *is* that example's loss (the 1D escape
//                   toy: inputs hold each example's constant, targets are unused zeros).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace minimascope::core {

enum class Task { Classification, Regression, DirectLoss };

struct Dataset {
    std::string name;
    Task task = Task::Classification;
    at::Tensor inputs;
    at::Tensor targets;
    int64_t numClasses = 0;            // classification only
    std::vector<int64_t> inputShape;   // per example, e.g. {1, 28, 28} or {2}

    int64_t size() const { return inputs.defined() ? inputs.size(0) : 0; }
    // Number of model outputs the task needs (classes, regression targets, or 1).
    int64_t outputCount() const;
};

// The training set and the held-out set used for generalization numbers (may be empty).
struct DatasetPair {
    Dataset train;
    Dataset test;
};

}   // namespace minimascope::core
