#pragma once
// The filter-normalization lesson's computations off the GUI thread: trains the demo's runs and
// evaluates each minimum's raw and filter-normalized surfaces (core/demos/NormalizationLesson.h;
// the "surfaces" view asks for the normalized ones only, and each minimum's a and s).
// Lives on a QThread of its own (NormalizationDemoView owns it); requests arrive as queued calls
// and results leave as the `ready` signal, tagged with the request's job id. Each request carries
// its own cancel token, which the GUI thread sets directly (a queued call would wait for the
// computation it stops) when the request is replaced or the view closes; a fresh token per
// request means no reset can race with a cancel. Torch stays in the .cpp.
#include "common/CancelToken.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <limits>
#include <memory>
#include <vector>

namespace minimascope::ui {

struct NormalizationLessonRequest {
    quint64 jobId = 0;
    QStringList runConfigs;   // minimascope-run JSON texts, one per minimum
    int resolution = 21;
    double range = 1.0;
    quint64 seed = 0;
    bool rawPlane = true;     // false: the filter-normalized planes only (rawLoss stays empty)
    bool curvature = false;   // a and s of each minimum as well
    std::shared_ptr<core::CancelToken> cancel = std::make_shared<core::CancelToken>();
};

// One minimum's two surfaces on the same grid: loss[j * xs.size() + i] at (xs[i], ys[j]).
struct NormalizationMinimumResult {
    qint64 iterations = 0;
    double trainLoss = 0.0;
    double testAccuracy = 0.0;
    double weightNorm = 0.0;
    double sharpness = std::numeric_limits<double>::quiet_NaN();       // a, when asked for
    double nonUniformity = std::numeric_limits<double>::quiet_NaN();   // s, when asked for
    std::vector<double> xs, ys, rawLoss, normalizedLoss;               // rawLoss empty without request.rawPlane
    std::vector<double> parameterFilterNorms, rawFilterNorms, normalizedFilterNorms;
};

struct NormalizationLessonResult {
    quint64 jobId = 0;
    QString error;   // empty on success
    std::vector<NormalizationMinimumResult> minima;
};

class NormalizationLessonWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

public Q_SLOTS:
    // A request cancelled before it starts is answered "cancelled" at once.
    void compute(const minimascope::ui::NormalizationLessonRequest& request);

Q_SIGNALS:
    void ready(const minimascope::ui::NormalizationLessonResult& result);
};

}   // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::ui::NormalizationLessonRequest)
Q_DECLARE_METATYPE(minimascope::ui::NormalizationLessonResult)
