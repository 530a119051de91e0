#include "demos/BoundaryLesson.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "models/Network.h"
#include "train/Objective.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>

namespace minimascope::core {

namespace {

std::vector<int64_t> toVector(const at::Tensor& classes)
{
    const at::Tensor values = classes.to(at::kLong).contiguous();
    return std::vector<int64_t>(values.data_ptr<int64_t>(), values.data_ptr<int64_t>() + values.numel());
}

// The network's class for each row of `inputs` (eval mode, no gradients).
at::Tensor predictClasses(Network& network, const at::Tensor& inputs)
{
    const torch::NoGradGuard noGrad;
    const bool training = network.is_training();
    network.eval();
    at::Tensor classes = network.forward(inputs).argmax(1);
    network.train(training);
    return classes;
}

}   // namespace

RunStatus runBoundaryLesson(const nlohmann::json& runConfig, const BoundaryLessonSettings& settings,
                            BoundaryPoints& points, const std::function<void(const BoundarySnapshot&)>& sink,
                            const CancelToken* cancel)
{
    if (settings.gridPoints < 2 || settings.every < 1)
        throw InputError("the boundary lesson needs at least 2 grid points and a snapshot every step or more");
    const RunConfig config = RunConfig::fromJson(runConfig);
    Trainer trainer(config, loadDatasets(config.dataset));
    const Dataset& train = trainer.data().train;
    if (train.task != Task::Classification || train.inputs.dim() != 2 || train.inputs.size(1) != 2)
        throw InputError("the boundary lesson needs a classification of 2-D points (two-moons, spirals, xor, blobs)");

    const at::Tensor inputs = train.inputs.to(at::kDouble).contiguous();
    const double* xy = inputs.data_ptr<double>();
    points.x.clear();
    points.y.clear();
    for (int64_t k = 0; k < inputs.size(0); ++k) {
        points.x.push_back(xy[2 * k]);
        points.y.push_back(xy[2 * k + 1]);
    }
    points.label = toVector(train.targets);
    points.classes = train.numClasses;

    // The grid: the data's bounding box plus the margin, the same for every snapshot.
    const auto [xMin, xMax] = std::minmax_element(points.x.begin(), points.x.end());
    const auto [yMin, yMax] = std::minmax_element(points.y.begin(), points.y.end());
    BoundarySnapshot snapshot;
    const int64_t n = settings.gridPoints;
    const auto axis = [&](double low, double high, int64_t i) {
        return low - settings.margin + (high - low + 2 * settings.margin) * double(i) / double(n - 1);
    };
    for (int64_t i = 0; i < n; ++i) {
        snapshot.xs.push_back(axis(*xMin, *xMax, i));
        snapshot.ys.push_back(axis(*yMin, *yMax, i));
    }
    std::vector<double> cells;   // row-major (x, y) pairs, j the slow index as in gridClass
    for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < n; ++i) {
            cells.push_back(snapshot.xs[size_t(i)]);
            cells.push_back(snapshot.ys[size_t(j)]);
        }
    const at::Tensor grid =
        at::tensor(cells, at::TensorOptions().dtype(at::kDouble)).reshape({n * n, 2}).to(train.inputs.scalar_type());

    const auto take = [&](int64_t iteration, Network& network) {
        snapshot.iteration = iteration;
        snapshot.trainLoss = evaluate(network, train, cancel).loss;
        snapshot.gridClass = toVector(predictClasses(network, grid));
        snapshot.predicted = toVector(predictClasses(network, train.inputs));
        sink(snapshot);
    };
    take(0, trainer.network());
    trainer.addHook(settings.every, /*atEnd=*/true,
                    [&](const TrainerState& state) { take(state.iteration, state.network); });
    CancelToken own;
    return trainer.run(cancel ? *cancel : own).status;
}

}   // namespace minimascope::core
