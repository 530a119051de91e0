#pragma once
// Feeds the live plots from the worker's updates and keeps what they show as a RunRecord: the
// current run's config, metrics and (a, s) samples, and the end points of the session's runs.
// restore() replays a record into the plots (a reopened project looks as it was saved).
// GUI thread only.
#include "workers/WorkerTypes.h"

#include <QObject>

namespace minimascope::ui {

class LossPlot;
class SharpnessPlot;
class StabilityDiagram;

// A finished run's end point on the stability diagram.
struct SessionEntry {
    double a = 0.0;
    double s = 0.0;
    double eta = 0.0;
    qint64 batchSize = 0;
    QString label;
};

struct RunRecord {
    QString configJson;   // the resolved config of the current (last) run
    StabilitySetting shape;
    QVector<core::MetricsRow> metrics;
    QVector<core::CurvatureSample> samples;
    QVector<SessionEntry> session;   // oldest first
};

// The optimizer switch of a resolved run config (its "switch" key, RunConfig.h) as the loss plot's
// marker; a config without one, or an unreadable one, clears the marker.
void showOptimizerSwitch(LossPlot* loss, const QString& configJson);

class RunRecorder : public QObject {
    Q_OBJECT
public:
    RunRecorder(LossPlot* loss, SharpnessPlot* sharpness, StabilityDiagram* stability, QObject* parent = nullptr);

    // Clears the current run's curves and bounds (the session stays).
    void beginRun(const QString& configJson);
    // Draws the bounds of the run once the worker has loaded its data (TrainingStart): they
    // need the number of examples it really trains on.
    void setShape(const StabilitySetting& shape);
    void addUpdate(const TrainingUpdate& update);
    // A run that measured (a, s) becomes a session point.
    void finishRun(const TrainingOutcome& outcome);
    const RunRecord& record() const { return m_record; }
    void restore(const RunRecord& record);

private:
    void plotCurrentRun();
    void drawBounds();

    LossPlot* m_loss;
    SharpnessPlot* m_sharpness;
    StabilityDiagram* m_stability;
    RunRecord m_record;
};

}   // namespace minimascope::ui
