#pragma once
// The stability diagram as an instrument: on a finished run (trained in the app or opened from
// its folder) the user moves η and B (WhatIfPanel, or a drag of the a = 2/η line) and
//   - the bounds and the stable region move at once (StabilityDiagram::setBounds, no torch), and
//   - the Theorem's λmax for the run's own minimum at that (η, B) is recomputed on the worker
//     thread (RunController::startStabilityTest: a newer request cancels the older one, running
//     or queued, and only the latest request's answer is shown), so that the run's point is
//     marked stable or unstable, not only inside or outside the bounds.
// GUI thread only.
#include "workers/WorkerTypes.h"

#include <QObject>
#include <QTimer>

namespace minimascope::ui {

class RunController;
class StabilityDiagram;
class WhatIfPanel;

class WhatIfController : public QObject {
    Q_OBJECT
public:
    WhatIfController(RunController* runs, StabilityDiagram* diagram, WhatIfPanel* panel, QObject* parent = nullptr);

    // The run to ask about: the one just trained in the app, or a saved run folder. Starts the test
    // at the run's own (η, B), which also measures its (a, s).
    void setTrainedRun();
    void setRunFolder(const QString& dir);
    // No run to ask about (a run is training, or the last one diverged): the controls are disabled.
    void clearRun();

    // Tests the current run at (η, B) now: the bounds move, the verdict follows. Returns the job
    // id.
    quint64 requestVerdict(double eta, qint64 batchSize);
    // The worker's answer; only that of the latest request is applied (true when it was).
    bool applyResult(const minimascope::ui::StabilityTestResult& result);
    // The last answer applied (jobId 0 before the first).
    const StabilityTestResult& lastResult() const { return m_last; }
    quint64 latestJob() const { return m_latestJob; }

Q_SIGNALS:
    // An answer was applied to the diagram and the panel.
    void verdictShown(const minimascope::ui::StabilityTestResult& result);

private:
    void startRun(const QString& dir);
    void showPending();

    RunController* m_runs;
    StabilityDiagram* m_diagram;
    WhatIfPanel* m_panel;
    QString m_runDir;   // empty: the run trained in the app
    bool m_hasRun = false;
    bool m_reload = false;   // the next request is the run's first
    StabilitySetting m_shape;   // known once the first answer arrived
    double m_sharpness = 0.0;
    double m_nonUniformity = 0.0;
    bool m_hasPoint = false;
    quint64 m_latestJob = 0;
    StabilityTestResult m_last;
    // A slider drag changes η dozens of times a second: the bounds follow each change, the verdict
    // is asked for the value the drag rests on after this long.
    static constexpr int kCoalesceMs = 40;
    QTimer m_coalesce;
};

}   // namespace minimascope::ui
