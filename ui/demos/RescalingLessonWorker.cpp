#include "demos/RescalingLessonWorker.h"

#include "demos/RescalingLesson.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <exception>

namespace minimascope::ui {

struct RescalingLessonWorker::State {
    std::unique_ptr<core::RescalingLesson> lesson;
    quint64 lessonId = 0;
};

RescalingLessonWorker::RescalingLessonWorker() : m_state(std::make_unique<State>()) { }

RescalingLessonWorker::~RescalingLessonWorker() = default;

void RescalingLessonWorker::compute(const RescalingLessonRequest& request)
{
    const core::CancelToken& cancel = *request.cancel;
    const auto finish = [&](const QString& error) { Q_EMIT finished(request.jobId, request.lessonId, error); };
    try {
        if (!request.runConfig.isEmpty()) {
            m_state->lesson.reset();
            m_state->lessonId = request.lessonId;
            auto lesson = std::make_unique<core::RescalingLesson>(
                nlohmann::json::parse(request.runConfig.toStdString()));
            const core::TrainResult result = lesson->train(cancel);
            if (result.status == core::RunStatus::Cancelled)
                return finish(tr("cancelled"));
            if (result.status != core::RunStatus::Finished)
                return finish(
                    tr("the run %1: %2")
                        .arg(QString::fromUtf8(core::toString(result.status)), QString::fromStdString(result.reason)));
            RescalingTrainedInfo info;
            info.lessonId = request.lessonId;
            info.iterations = result.iterations;
            info.trainLoss = result.final.trainLoss;
            info.testAccuracy = result.final.testAccuracy;
            info.parameters = lesson->parameterCount();
            info.examples = lesson->trainSize();
            info.firstLayer = QString::fromStdString(lesson->layers().first);
            info.secondLayer = QString::fromStdString(lesson->layers().second);
            m_state->lesson = std::move(lesson);
            Q_EMIT trained(info);
        }
        if (!m_state->lesson || m_state->lessonId != request.lessonId)
            return finish(tr("cancelled"));   // its lesson was replaced (or never trained)

        core::RescalingSettings settings;
        settings.resolution = request.resolution;
        settings.range = request.range;
        const auto measureAt = [&](double alpha, bool sweep) {
            settings.surfaces = !sweep;
            const auto start = std::chrono::steady_clock::now();
            const core::RescaledMinimum m = m_state->lesson->measure(alpha, settings, &cancel);
            if (m.status != core::RunStatus::Finished)
                return false;
            RescalingPoint point;
            point.jobId = request.jobId;
            point.lessonId = request.lessonId;
            point.sweep = sweep;
            point.alpha = alpha;
            point.trainLoss = m.trainLoss;
            point.testLoss = m.testLoss;
            point.testAccuracy = m.testAccuracy;
            point.outputChange = m.outputChange;
            point.weightNorm = m.weightNorm;
            point.sharpness = m.sharpness;
            point.sharpnessResidual = m.sharpnessResidual;
            point.trace = m.trace;
            point.traceError = m.traceError;
            point.epsilonSharpness = m.epsilonSharpness;
            point.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            point.xs = m.raw.xs;
            point.ys = m.raw.ys;
            point.rawLoss = m.raw.loss;
            point.normalizedLoss = m.filterNormalized.loss;
            Q_EMIT measured(point);
            return true;
        };
        if (request.alpha > 0.0 && !measureAt(request.alpha, false))
            return finish(tr("cancelled"));
        for (double alpha : request.sweep)
            if (!measureAt(alpha, true))
                return finish(tr("cancelled"));
    } catch (const std::exception& e) {
        return finish(QString::fromStdString(e.what()));
    }
    finish(QString());
}

}   // namespace minimascope::ui
