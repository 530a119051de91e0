#include "demos/EscapeToyLesson.h"

#include "analysis/AutogradCurvature.h"
#include "common/CancelToken.h"
#include "data/DatasetSpec.h"
#include "data/SyntheticDatasets.h"
#include "models/EscapeToyModel.h"
#include "models/FlatParameters.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace minimascope::core {

EscapeToyCurves escapeToyCurves(double xMin, double xMax, int points)
{
    if (points < 2 || !(xMax > xMin))
        throw std::invalid_argument("escapeToyCurves needs points >= 2 and xMax > xMin");
    const torch::NoGradGuard noGrad;
    const Dataset data = makeEscapeToy();
    EscapeToyCurves curves;
    for (int i = 0; i < points; ++i) {
        const double x = xMin + (xMax - xMin) * i / (points - 1);
        EscapeToyModel model(x);
        const at::Tensor losses = model.forward(data.inputs).to(at::kDouble);
        const double f1 = losses[0].item<double>();
        const double f2 = losses[1].item<double>();
        curves.x.push_back(x);
        curves.example1.push_back(f1);
        curves.example2.push_back(f2);
        curves.mean.push_back(0.5 * (f1 + f2));
    }
    return curves;
}

EscapeToyPoint measureEscapeToyPoint(double x)
{
    const Dataset data = makeEscapeToy();
    EscapeToyModel model(x);
    FlatParameters flat(model);
    AutogradCurvature curvature(model, flat, data);
    const at::Tensor one = at::ones({1});
    EscapeToyPoint point;
    point.x = x;
    point.sharpness = curvature.hessian().apply(one).item<double>();
    // Sigma is PSD; rounding can leave a tiny negative value where the examples agree.
    point.nonUniformity = std::sqrt(std::max(0.0, curvature.covariance().apply(one).item<double>()));
    point.loss = curvature.lossAndGradient().loss;
    return point;
}

EscapeToyPath escapeToyIterates(const EscapeToySettings& settings, bool fullBatch, const CancelToken* cancel)
{
    nlohmann::json optimizer{{"name", fullBatch ? "gd" : "sgd"}, {"lr", settings.eta}};
    if (!fullBatch) {
        optimizer["batch_size"] = settings.batchSize;
        optimizer["sampling"] = "subset";
    }
    const nlohmann::json json{{"format", "minimascope-run"},
                              {"version", 1},
                              {"seed", settings.seed},
                              {"dataset", {{"name", "escape-toy"}}},
                              {"model", {{"kind", "escape-toy"}, {"x0", settings.x0}}},
                              {"optimizer", optimizer},
                              // Every step is shown: no loss threshold can stop it (losses are >= 0).
                              {"stop", {{"loss_below", 0.0}, {"max_iterations", settings.steps}}},
                              {"schedule", {{"eval_every", 1}}}};
    const RunConfig config = RunConfig::fromJson(json);
    Trainer trainer(config, loadDatasets(config.dataset));
    EscapeToyPath path;
    const auto record = [&path](const TrainerState& state) {
        path.x.push_back(state.parameters.get()[0].item<double>());
    };
    path.x.push_back(trainer.parameters().get()[0].item<double>());
    trainer.addHook(1, false, record);
    CancelToken own;
    const TrainResult result = trainer.run(cancel ? *cancel : own);
    path.status = result.status;
    const Dataset data = makeEscapeToy();
    const torch::NoGradGuard noGrad;
    for (double x : path.x) {
        EscapeToyModel model(x);
        path.loss.push_back(model.forward(data.inputs).to(at::kDouble).mean().item<double>());
    }
    return path;
}

}   // namespace minimascope::core
