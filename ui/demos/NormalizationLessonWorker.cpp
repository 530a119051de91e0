#include "demos/NormalizationLessonWorker.h"

#include "demos/NormalizationLesson.h"

#include <nlohmann/json.hpp>

#include <exception>

namespace minimascope::ui {

void NormalizationLessonWorker::compute(const NormalizationLessonRequest& request)
{
    NormalizationLessonResult result;
    result.jobId = request.jobId;
    const core::CancelToken* cancel = request.cancel.get();
    if (cancel && cancel->isCancelled()) {
        result.error = tr("cancelled");   // replaced before it started
        Q_EMIT ready(result);
        return;
    }
    try {
        std::vector<nlohmann::json> configs;
        for (const QString& text : request.runConfigs)
            configs.push_back(nlohmann::json::parse(text.toStdString()));
        core::NormalizationLessonSettings settings;
        settings.resolution = request.resolution;
        settings.range = request.range;
        settings.seed = request.seed;
        settings.rawPlane = request.rawPlane;
        settings.curvature = request.curvature;
        const core::NormalizationLesson lesson = core::computeNormalizationLesson(configs, settings, cancel);
        if (lesson.status == core::RunStatus::Cancelled)
            result.error = tr("cancelled");
        for (const core::NormalizationMinimum& minimum : lesson.minima) {
            NormalizationMinimumResult out;
            out.iterations = minimum.iterations;
            out.trainLoss = minimum.trainLoss;
            out.testAccuracy = minimum.testAccuracy;
            out.weightNorm = minimum.weightNorm;
            out.sharpness = minimum.sharpness;
            out.nonUniformity = minimum.nonUniformity;
            out.xs = minimum.filterNormalized.xs;
            out.ys = minimum.filterNormalized.ys;
            out.rawLoss = minimum.raw.loss;
            out.normalizedLoss = minimum.filterNormalized.loss;
            out.parameterFilterNorms = minimum.parameterFilterNorms;
            out.rawFilterNorms = minimum.rawFilterNorms;
            out.normalizedFilterNorms = minimum.normalizedFilterNorms;
            result.minima.push_back(std::move(out));
        }
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    Q_EMIT ready(result);
}

}   // namespace minimascope::ui
