#pragma once
// The training objective of each task and full-data evaluation.
//   Classification: mean cross-entropy of the logits; accuracy = share of correct argmax.
//   Regression:     mean squared error over all outputs; no accuracy (NaN).
//   DirectLoss:     mean of the model's outputs (each is an example's loss); no accuracy.
#include "data/Dataset.h"

namespace minimascope::core {

class CancelToken;
class Network;

at::Tensor objectiveLoss(Task task, const at::Tensor& output, const at::Tensor& targets);

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0;   // NaN where the task has none
};

// Loss and accuracy over the whole data set, in chunks so memory stays bounded, with the
// network in eval mode (BatchNorm uses its running statistics) and restored afterwards.
// Returns NaNs when the set is empty; stops early (NaN result) when cancelled.
Evaluation evaluate(Network& network, const Dataset& data, const CancelToken* cancel = nullptr, int64_t chunk = 4096);

// The same, and the gradient of the mean loss over the set with respect to network.parameters(),
// concatenated into one flat vector (zeros for a parameter the loss does not reach), from the
// same forward passes: one backward pass per chunk more than evaluate(). The parameters' own
// .grad tensors are left untouched. An undefined gradient (and NaNs) when the set is empty or
// the token cancels midway.
struct GradientEvaluation : Evaluation {
    at::Tensor gradient;
};
GradientEvaluation evaluateWithGradient(Network& network, const Dataset& data, const CancelToken* cancel = nullptr,
                                        int64_t chunk = 1000);

// Turns softmax probabilities [n, classes] into per-example cross-entropy errors d f_i / d logits
// = p - onehot(target), in place. Shared by the hand-written backward and curvature passes.
void subtractTargetOneHot(at::Tensor& probabilities, const at::Tensor& targets);

// Accuracy of a batch output against its targets (NaN unless classification).
double batchAccuracy(Task task, const at::Tensor& output, const at::Tensor& targets);

}   // namespace minimascope::core
