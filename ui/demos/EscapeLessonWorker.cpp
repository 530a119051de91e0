#include "demos/EscapeLessonWorker.h"

#include "demos/EscapeToyLesson.h"

#include <ATen/Parallel.h>

#include <exception>

namespace minimascope::ui {

namespace {

// The curves: fine enough that the kinks of the min{} show sharp at any plot width.
constexpr int kCurvePoints = 801;
constexpr double kCurveMin = -1.0;
constexpr double kCurveMax = 2.0;

}   // namespace

void EscapeLessonWorker::compute(const EscapeLessonRequest& request)
{
    EscapeLessonResult result;
    result.jobId = request.jobId;
    result.request = request;
    try {
        at::set_num_threads(1);   // one parameter: a second thread only adds synchronisation
        const core::EscapeToyCurves curves = core::escapeToyCurves(kCurveMin, kCurveMax, kCurvePoints);
        result.x = curves.x;
        result.f1 = curves.example1;
        result.f2 = curves.example2;
        result.f = curves.mean;
        for (double x : {0.0, 1.0}) {
            const core::EscapeToyPoint point = core::measureEscapeToyPoint(x);
            result.minimaX.push_back(point.x);
            result.minimaA.push_back(point.sharpness);
            result.minimaS.push_back(point.nonUniformity);
        }
        core::EscapeToySettings settings;
        settings.eta = request.eta;
        settings.batchSize = request.batchSize;
        settings.x0 = request.x0;
        settings.steps = request.steps;
        settings.seed = request.seed;
        const core::EscapeToyPath gd = core::escapeToyIterates(settings, /*fullBatch=*/true);
        const core::EscapeToyPath sgd = core::escapeToyIterates(settings, /*fullBatch=*/false);
        result.gdX = gd.x;
        result.gdLoss = gd.loss;
        result.sgdX = sgd.x;
        result.sgdLoss = sgd.loss;
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    Q_EMIT ready(result);
}

}   // namespace minimascope::ui
