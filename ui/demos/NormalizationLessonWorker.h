#pragma once
// The filter-normalization lesson's computations off the GUI thread: trains the demo's runs and
// evaluates each minimum's raw and filter-normalized surfaces (core/demos/NormalizationLesson.h).
// Lives on a QThread of its own (NormalizationDemoView owns it); requests arrive as queued calls
// and results leave as the `ready` signal, tagged with the request's job id. Torch stays in the .cpp.
#include "common/CancelToken.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace minimascope::ui {

struct NormalizationLessonRequest {
    quint64 jobId = 0;
    QStringList runConfigs;   // minimascope-run JSON texts, one per minimum
    int resolution = 21;
    double range = 1.0;
    quint64 seed = 0;
};

// One minimum's two surfaces on the same grid: loss[j * xs.size() + i] at (xs[i], ys[j]).
struct NormalizationMinimumResult {
    qint64 iterations = 0;
    double trainLoss = 0.0;
    double testAccuracy = 0.0;
    double weightNorm = 0.0;
    std::vector<double> xs, ys, rawLoss, normalizedLoss;
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
    // Set from the GUI thread directly (a queued call would wait for the computation it stops).
    core::CancelToken& cancelToken() { return m_cancel; }

public Q_SLOTS:
    void compute(const minimascope::ui::NormalizationLessonRequest& request);

Q_SIGNALS:
    void ready(const minimascope::ui::NormalizationLessonResult& result);

private:
    core::CancelToken m_cancel;
};

} // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::ui::NormalizationLessonRequest)
Q_DECLARE_METATYPE(minimascope::ui::NormalizationLessonResult)
