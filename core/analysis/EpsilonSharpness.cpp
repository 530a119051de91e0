#include "analysis/EpsilonSharpness.h"

#include "analysis/LanczosProcess.h"
#include "analysis/AutogradCurvature.h"
#include "models/FlatParameters.h"

#include <ATen/ATen.h>

#include <chrono>
#include <stdexcept>

namespace minimascope::core {

EpsilonSharpnessResult epsilonSharpness(Network& network, FlatParameters& parameters, const Dataset& data,
                                        const EpsilonSharpnessOptions& options, const CancelToken* cancel,
                                        const ProgressSink& progress)
{
    if (!(options.epsilon > 0) || options.steps < 1 || !(options.stepFraction > 0))
        throw std::invalid_argument("epsilon-sharpness needs epsilon > 0, steps >= 1 and stepFraction > 0");
    const auto start = std::chrono::steady_clock::now();
    const ProgressClock clock("step");
    at::NoGradGuard noGrad;
    const ParameterRestorer restore(parameters);   // however the ascent ends
    const at::Tensor& theta = restore.saved();
    const at::Tensor bound = options.epsilon * (theta.abs() + 1.0);
    AutogradCurvature curvature(network, parameters, data, cancel, options.chunk);
    EpsilonSharpnessResult result;
    const auto finish = [&](RunStatus status) {
        result.status = status;
        result.value = 100.0 * (result.maxLoss - result.loss) / (1.0 + result.loss);
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return result;
    };

    AutogradCurvature::LossAndGradient current = curvature.lossAndGradient();
    if (!current.gradient.defined())
        return finish(RunStatus::Cancelled);
    result.loss = current.loss;
    result.maxLoss = current.loss;
    ++result.gradients;

    at::Generator generator = detail::makeGenerator(options.seed);
    const at::Tensor uniform = at::rand({theta.numel()}, generator, at::TensorOptions(at::kDouble));
    at::Tensor offset = ((uniform * 2.0 - 1.0).to(theta.scalar_type())) * bound;
    for (int64_t step = 0; step <= options.steps; ++step) {
        parameters.set(theta + offset);
        current = curvature.lossAndGradient();
        if (!current.gradient.defined())
            return finish(RunStatus::Cancelled);
        ++result.gradients;
        result.maxLoss = std::max(result.maxLoss, current.loss);
        if (progress)
            progress(clock.at(step, options.steps, 100.0 * (result.maxLoss - result.loss) / (1.0 + result.loss)));
        if (step == options.steps)
            break;
        offset = at::clamp(offset + options.stepFraction * bound * current.gradient.sign(), -bound, bound);
    }
    return finish(RunStatus::Finished);
}

}   // namespace minimascope::core
