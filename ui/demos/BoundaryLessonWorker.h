#pragma once
// The 2-D toy lesson's training off the GUI thread: trains each of the demo's runs in turn
// (core/demos/BoundaryLesson.h) and sends every snapshot of its decision regions as a queued
// `snapshot` signal, tagged with the request's job id and the run's index, then `finished`.
// The view only draws what arrives: no torch on the GUI thread. Lives on a QThread of its own
// (BoundaryDemoView owns it).
#include "common/CancelToken.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace minimascope::ui {

struct BoundaryLessonRequest {
    quint64 jobId = 0;
    QStringList runConfigs;   // minimascope-run JSON texts, one per panel
    int gridPoints = 81;
    int every = 25;
};

struct BoundaryFrame {
    quint64 jobId = 0;
    int run = 0;
    qint64 iteration = 0;
    double trainLoss = 0.0;
    std::vector<double> xs, ys;
    std::vector<qint64> gridClass;   // row-major [ys][xs]
    std::vector<qint64> predicted;   // the model's class of each training point
    // The training points, sent with a run's first frame only (empty afterwards).
    std::vector<double> pointX, pointY;
    std::vector<qint64> pointLabel;
    int classes = 0;
};

class BoundaryLessonWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // Set from the GUI thread directly (a queued call would wait for the training it stops).
    core::CancelToken& cancelToken() { return m_cancel; }

public Q_SLOTS:
    void compute(const minimascope::ui::BoundaryLessonRequest& request);

Q_SIGNALS:
    void frame(const minimascope::ui::BoundaryFrame& frame);
    // Every run has ended; error empty on success.
    void finished(quint64 jobId, const QString& error);

private:
    core::CancelToken m_cancel;
};

}   // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::ui::BoundaryLessonRequest)
Q_DECLARE_METATYPE(minimascope::ui::BoundaryFrame)
