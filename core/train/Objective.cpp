#include "train/Objective.h"

#include "common/CancelToken.h"
#include "io/NumberFormat.h"
#include "models/EvalModeScope.h"
#include "models/Network.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <limits>

namespace minimascope::core {

at::Tensor objectiveLoss(Task task, const at::Tensor& output, const at::Tensor& targets)
{
    switch (task) {
    case Task::Classification: return at::cross_entropy_loss(output, targets);
    case Task::Regression: return at::mse_loss(output, targets.view_as(output));
    case Task::DirectLoss: return output.mean();
    }
    return output.mean();
}

void subtractTargetOneHot(at::Tensor& probabilities, const at::Tensor& targets)
{
    probabilities.scatter_add_(1, targets.unsqueeze(1),
                               at::full({probabilities.size(0), 1}, -1.0, probabilities.options()));
}

double batchAccuracy(Task task, const at::Tensor& output, const at::Tensor& targets)
{
    if (task != Task::Classification || output.size(0) == 0)
        return kNaN;
    return output.argmax(1).eq(targets).to(at::kDouble).mean().item<double>();
}

namespace {

// Loss and accuracy over the set, and with `gradient` non-null also the flat gradient of the
// mean loss: the one loop behind evaluate() and evaluateWithGradient().
Evaluation evaluateChunks(Network& network, const Dataset& data, const CancelToken* cancel, int64_t chunk,
                          at::Tensor* gradient)
{
    const int64_t n = data.size();
    if (n == 0)
        return {kNaN, kNaN};
    EvalModeScope evalMode(network);
    at::AutoGradMode gradMode(gradient != nullptr);
    const std::vector<at::Tensor> parameters = network.parameters();
    std::vector<at::Tensor> sums;
    if (gradient)
        for (const at::Tensor& p : parameters)
            sums.push_back(at::zeros_like(p));
    double lossSum = 0.0;
    int64_t correct = 0;
    for (int64_t start = 0; start < n; start += chunk) {
        if (cancel && cancel->isCancelled())
            return {kNaN, kNaN};
        const int64_t size = std::min(chunk, n - start);
        const at::Tensor x = data.inputs.narrow(0, start, size);
        const at::Tensor y = data.targets.narrow(0, start, size);
        const at::Tensor output = network.forward(x);
        const at::Tensor chunkMean = objectiveLoss(data.task, output, y);
        lossSum += chunkMean.item<double>() * static_cast<double>(size);   // summed in double
        if (data.task == Task::Classification)
            correct += output.argmax(1).eq(y).sum().item<int64_t>();
        if (gradient) {
            // The gradient of the chunk's share of the mean over all n examples.
            const at::Tensor share = chunkMean * (static_cast<double>(size) / static_cast<double>(n));
            const auto grads = torch::autograd::grad({share}, parameters, {}, /*retain_graph=*/false,
                                                     /*create_graph=*/false, /*allow_unused=*/true);
            for (size_t i = 0; i < grads.size(); ++i)
                if (grads[i].defined())
                    sums[i] += grads[i];
        }
    }
    if (gradient) {
        std::vector<at::Tensor> flat;
        flat.reserve(sums.size());
        for (const at::Tensor& sum : sums)
            flat.push_back(sum.reshape({-1}));
        *gradient = flat.empty() ? at::zeros({0}) : at::cat(flat);
    }
    const double accuracy = data.task == Task::Classification ? static_cast<double>(correct) / static_cast<double>(n)
                                                              : kNaN;
    return {lossSum / static_cast<double>(n), accuracy};
}

}   // namespace

Evaluation evaluate(Network& network, const Dataset& data, const CancelToken* cancel, int64_t chunk)
{
    return evaluateChunks(network, data, cancel, chunk, nullptr);
}

GradientEvaluation evaluateWithGradient(Network& network, const Dataset& data, const CancelToken* cancel, int64_t chunk)
{
    GradientEvaluation result;
    at::Tensor gradient;
    static_cast<Evaluation&>(result) = evaluateChunks(network, data, cancel, chunk, &gradient);
    if (!(cancel && cancel->isCancelled()))
        result.gradient = gradient;
    return result;
}

}   // namespace minimascope::core
