#include "train/Objective.h"

#include "common/CancelToken.h"
#include "io/NumberFormat.h"
#include "models/Network.h"

#include <ATen/ATen.h>

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

Evaluation evaluate(Network& network, const Dataset& data, const CancelToken* cancel, int64_t chunk)
{
    const int64_t n = data.size();
    if (n == 0)
        return {kNaN, kNaN};
    at::NoGradGuard noGrad;
    const bool wasTraining = network.is_training();
    network.eval();
    double lossSum = 0.0;
    int64_t correct = 0;
    for (int64_t start = 0; start < n; start += chunk) {
        if (cancel && cancel->isCancelled()) {
            network.train(wasTraining);
            return {kNaN, kNaN};
        }
        const int64_t size = std::min(chunk, n - start);
        const at::Tensor x = data.inputs.narrow(0, start, size);
        const at::Tensor y = data.targets.narrow(0, start, size);
        const at::Tensor output = network.forward(x);
        lossSum += objectiveLoss(data.task, output, y).item<double>() * static_cast<double>(size);
        if (data.task == Task::Classification)
            correct += output.argmax(1).eq(y).sum().item<int64_t>();
    }
    network.train(wasTraining);
    const double accuracy = data.task == Task::Classification
                                ? static_cast<double>(correct) / static_cast<double>(n)
                                : kNaN;
    return {lossSum / static_cast<double>(n), accuracy};
}

} // namespace minimascope::core
