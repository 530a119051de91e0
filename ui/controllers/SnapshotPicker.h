#pragma once
// Picks the centre of the next loss surface on the loss curve: a left click on the loss plot
// selects the kept parameter snapshot (TrainingOutcome::snapshotIterations) nearest to the
// clicked iteration and hands it to the 3D panel. A new run clears the pick (its snapshots are
// those of the new run). GUI thread only.
#include "workers/WorkerTypes.h"

#include <QObject>

class QCustomPlot;
class QMouseEvent;

namespace minimascope::ui {

class SurfacePanel;

class SnapshotPicker : public QObject {
    Q_OBJECT
public:
    SnapshotPicker(QCustomPlot* lossPlot, SurfacePanel* panel, QObject* parent = nullptr);

    // The snapshot nearest to `iteration` (-1 when the run kept none); selects it in the panel.
    qint64 pick(double iteration);

public Q_SLOTS:
    void setSnapshots(const minimascope::ui::TrainingOutcome& outcome);

private:
    void onMousePress(QMouseEvent* event);

    QCustomPlot* m_plot;
    SurfacePanel* m_panel;
    QVector<qint64> m_iterations;
};

}   // namespace minimascope::ui
