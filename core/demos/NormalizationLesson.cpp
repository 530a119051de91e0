#include "demos/NormalizationLesson.h"

#include "analysis/CurvatureReport.h"
#include "common/CancelToken.h"
#include "data/DatasetSpec.h"
#include "landscape/Directions.h"
#include "models/FlatParameters.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>
#include <stdexcept>

namespace minimascope::core {

namespace {

// Evaluates one plane through the minimum; the grid is symmetric so that its centre is (0, 0).
RunStatus evaluatePlane(Trainer& trainer, const at::Tensor& direction1, const at::Tensor& direction2,
                        const NormalizationLessonSettings& settings, LandscapeGrid& out, const CancelToken* cancel)
{
    SurfaceRequest request;
    request.origin = trainer.parameters().get();
    request.direction1 = direction1;
    request.direction2 = direction2;
    request.xMin = request.yMin = -settings.range;
    request.xMax = request.yMax = settings.range;
    request.nx = request.ny = settings.resolution;
    request.progressive = false;
    request.threads = 1;   // the demo's own runs train beside it on the second core
    return evaluateSurface(trainer.network(), trainer.parameters(), trainer.data().train, request, out, cancel);
}

// a and s of the trained minimum, exact over the training set, as the analyze command measures
// them; Cancelled when the token was set.
RunStatus measureMinimumCurvature(Trainer& trainer, NormalizationMinimum& minimum, const CancelToken* cancel)
{
    CurvatureRequest request;
    request.sharpness = true;
    request.nonUniformity = true;
    const CurvatureReport report = measureCurvature(trainer.network(), trainer.parameters(), trainer.data().train,
                                                    request, cancel);
    if (report.status == RunStatus::Cancelled)
        return RunStatus::Cancelled;
    if (report.status != RunStatus::Finished || report.topEigenvalues.empty() || !report.nonUniformity)
        throw std::runtime_error(std::string("the curvature of a minimum ended ") + toString(report.status));
    minimum.sharpness = report.topEigenvalues.front().value;
    minimum.nonUniformity = report.nonUniformity->value;
    return RunStatus::Finished;
}

}   // namespace

std::vector<double> filterNorms(const FlatParameters& layout, const at::Tensor& vector)
{
    const torch::NoGradGuard noGrad;
    std::vector<double> norms;
    for (size_t k = 0; k < layout.slices().size(); ++k) {
        const at::Tensor values = layout.slice(vector, k);
        if (values.dim() < 2)
            continue;
        const at::Tensor rows = values.reshape({values.size(0), -1}).to(at::kDouble).norm(2, {1});
        for (int64_t i = 0; i < rows.size(0); ++i)
            norms.push_back(rows[i].item<double>());
    }
    return norms;
}

NormalizationLesson computeNormalizationLesson(const std::vector<nlohmann::json>& runConfigs,
                                               const NormalizationLessonSettings& settings, const CancelToken* cancel)
{
    CancelToken own;
    const CancelToken& token = cancel ? *cancel : own;
    NormalizationLesson lesson;
    for (const nlohmann::json& json : runConfigs) {
        const RunConfig config = RunConfig::fromJson(json);
        Trainer trainer(config, loadDatasets(config.dataset));
        const TrainResult result = trainer.run(token);
        if (result.status == RunStatus::Cancelled) {
            lesson.status = RunStatus::Cancelled;
            return lesson;
        }
        NormalizationMinimum minimum;
        minimum.trainStatus = result.status;
        minimum.iterations = result.iterations;
        minimum.trainLoss = result.final.trainLoss;
        minimum.testAccuracy = result.final.testAccuracy;
        const FlatParameters& parameters = trainer.parameters();
        minimum.parameterFilterNorms = filterNorms(parameters, parameters.values());
        double squares = 0.0;
        for (double norm : minimum.parameterFilterNorms)
            squares += norm * norm;
        minimum.weightNorm = std::sqrt(squares);

        const at::Tensor raw1 = randomDirection(parameters, DirectionNormalization::None, true, settings.seed);
        const at::Tensor raw2 = randomDirection(parameters, DirectionNormalization::None, true, settings.seed + 1);
        const at::Tensor normalized1 = randomDirection(parameters, DirectionNormalization::Filter, true, settings.seed);
        const at::Tensor normalized2 = randomDirection(parameters, DirectionNormalization::Filter, true,
                                                       settings.seed + 1);
        minimum.rawFilterNorms = filterNorms(parameters, raw1);
        minimum.normalizedFilterNorms = filterNorms(parameters, normalized1);
        if ((settings.curvature && measureMinimumCurvature(trainer, minimum, cancel) == RunStatus::Cancelled)
            || (settings.rawPlane
                && evaluatePlane(trainer, raw1, raw2, settings, minimum.raw, cancel) == RunStatus::Cancelled)
            || evaluatePlane(trainer, normalized1, normalized2, settings, minimum.filterNormalized, cancel)
                   == RunStatus::Cancelled) {
            lesson.status = RunStatus::Cancelled;
            return lesson;
        }
        lesson.minima.push_back(std::move(minimum));
    }
    return lesson;
}

}   // namespace minimascope::core
