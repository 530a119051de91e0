#include "study/RunCurvesReader.h"

#include "analysis/CurvatureLog.h"
#include "train/RunFolder.h"

#include <cmath>
#include <exception>

namespace minimascope::ui {

RunCurveData readRunCurves(const QString& runDir)
{
    RunCurveData data;
    try {
        const core::RunFolderInfo info = core::readRunFolderInfo(runDir.toStdString());
        for (const core::MetricsRow& row : core::readMetrics(info)) {
            if (!std::isfinite(row.trainLoss))
                continue;
            data.lossIterations << double(row.iteration);
            data.trainLoss << row.trainLoss;
        }
        for (const core::CurvatureSample& sample : core::readCurvatureLog(info)) {
            if (!std::isfinite(sample.sharpness))
                continue;
            data.sharpnessIterations << double(sample.iteration);
            data.sharpness << sample.sharpness;
        }
    } catch (const std::exception& e) {
        data.error = QString::fromStdString(e.what());
    }
    return data;
}

}   // namespace minimascope::ui
