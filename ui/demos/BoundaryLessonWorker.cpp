#include "demos/BoundaryLessonWorker.h"

#include "demos/BoundaryLesson.h"

#include <nlohmann/json.hpp>

#include <exception>

namespace minimascope::ui {

void BoundaryLessonWorker::compute(const BoundaryLessonRequest& request)
{
    QString error;
    try {
        core::BoundaryLessonSettings settings;
        settings.gridPoints = request.gridPoints;
        settings.every = request.every;
        for (int run = 0; run < request.runConfigs.size() && error.isEmpty(); ++run) {
            core::BoundaryPoints points;
            bool first = true;
            const auto sink = [&](const core::BoundarySnapshot& snapshot) {
                BoundaryFrame out;
                out.jobId = request.jobId;
                out.run = run;
                out.iteration = snapshot.iteration;
                out.trainLoss = snapshot.trainLoss;
                out.xs = snapshot.xs;
                out.ys = snapshot.ys;
                out.gridClass.assign(snapshot.gridClass.begin(), snapshot.gridClass.end());
                out.predicted.assign(snapshot.predicted.begin(), snapshot.predicted.end());
                if (first) {
                    out.pointX = points.x;
                    out.pointY = points.y;
                    out.pointLabel.assign(points.label.begin(), points.label.end());
                    out.classes = static_cast<int>(points.classes);
                    first = false;
                }
                Q_EMIT frame(out);
            };
            const core::RunStatus status = core::runBoundaryLesson(
                nlohmann::json::parse(request.runConfigs.at(run).toStdString()), settings, points, sink, &m_cancel);
            if (status == core::RunStatus::Cancelled)
                error = tr("cancelled");
            else if (status == core::RunStatus::Diverged)
                error = tr("run %1 diverged").arg(run + 1);
        }
    } catch (const std::exception& e) {
        error = QString::fromStdString(e.what());
    }
    Q_EMIT finished(request.jobId, error);
}

}   // namespace minimascope::ui
