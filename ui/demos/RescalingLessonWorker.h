#pragma once
// The rescaling lesson's computations off the GUI thread (core/demos/RescalingLesson.h): trains
// the demo's ReLU network once, then measures T_alpha of its minimum at the alphas it is asked
// for. Lives on a QThread of its own (RescalingDemoView owns it); requests arrive as queued
// calls and are served in order, results leave as queued signals tagged with the request's job
// id and its lesson's. Each request carries its own cancel token, which the GUI thread sets
// directly when a newer request replaces it (a queued call would wait for the work it stops);
// a fresh token per request means no reset can race with a cancel. Torch stays in the .cpp.
#include "common/CancelToken.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace minimascope::ui {

struct RescalingLessonRequest {
    quint64 jobId = 0;
    quint64 lessonId = 0;        // the lesson (training) the alphas are measured on
    QString runConfig;           // non-empty: train this minimascope-run JSON first (a new lesson)
    double alpha = 1.0;          // measured with its two planes; <= 0: none
    std::vector<double> sweep;   // then these, without planes (the curves against alpha)
    int resolution = 21;         // plane points a side
    double range = 1.0;          // plane half-width, in multiples of the directions
    std::shared_ptr<core::CancelToken> cancel = std::make_shared<core::CancelToken>();
};

struct RescalingTrainedInfo {
    quint64 lessonId = 0;
    qint64 iterations = 0;
    double trainLoss = 0.0;
    double testAccuracy = 0.0;
    qint64 parameters = 0;
    qint64 examples = 0;
    QString firstLayer, secondLayer;   // the rescaled layers' names
};

// The quantities at T_alpha of the minimum (core::RescaledMinimum), the planes only for the
// request's own alpha: loss[j * xs.size() + i] at (xs[i], ys[j]).
struct RescalingPoint {
    quint64 jobId = 0;
    quint64 lessonId = 0;
    bool sweep = false;
    double alpha = 1.0;
    double trainLoss = 0.0, testLoss = 0.0, testAccuracy = 0.0, outputChange = 0.0, weightNorm = 0.0;
    double sharpness = 0.0, sharpnessResidual = 0.0, trace = 0.0, traceError = 0.0, epsilonSharpness = 0.0;
    double seconds = 0.0;   // wall time of the measurement
    std::vector<double> xs, ys, rawLoss, normalizedLoss;
};

class RescalingLessonWorker : public QObject {
    Q_OBJECT
public:
    RescalingLessonWorker();
    ~RescalingLessonWorker() override;

public Q_SLOTS:
    void compute(const minimascope::ui::RescalingLessonRequest& request);

Q_SIGNALS:
    void trained(const minimascope::ui::RescalingTrainedInfo& info);
    void measured(const minimascope::ui::RescalingPoint& point);
    // The request ended: error empty on success, "cancelled" when replaced.
    void finished(quint64 jobId, quint64 lessonId, const QString& error);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}   // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::ui::RescalingLessonRequest)
Q_DECLARE_METATYPE(minimascope::ui::RescalingTrainedInfo)
Q_DECLARE_METATYPE(minimascope::ui::RescalingPoint)
