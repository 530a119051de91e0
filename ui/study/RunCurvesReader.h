#pragma once
// Reads the curves the study window overlays from a run folder through core's readers
// (core/train/RunFolder.h, core/analysis/CurvatureLog.h): the training loss of every evaluation
// and the sharpness of every curvature measurement. Only file reads, a few ms for a run of
// 20,000 iterations: the GUI thread can do it. A folder that cannot be read gives empty curves
// and the reason.
#include <QString>
#include <QVector>

namespace minimascope::ui {

struct RunCurveData {
    QVector<double> lossIterations, trainLoss;
    QVector<double> sharpnessIterations, sharpness;   // empty when a was not tracked
    QString error;                                    // why nothing was read, or empty
};

RunCurveData readRunCurves(const QString& runDir);

}   // namespace minimascope::ui
