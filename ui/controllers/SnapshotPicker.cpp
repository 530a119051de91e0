#include "controllers/SnapshotPicker.h"

#include "QCustomPlotInclude.h"
#include "panels/SurfacePanel.h"

#include <QMouseEvent>

#include <algorithm>
#include <cmath>

namespace minimascope::ui {

SnapshotPicker::SnapshotPicker(QCustomPlot* lossPlot, SurfacePanel* panel, QObject* parent)
    : QObject(parent), m_plot(lossPlot), m_panel(panel)
{
    connect(m_plot, &QCustomPlot::mousePress, this, &SnapshotPicker::onMousePress);
}

void SnapshotPicker::setSnapshots(const TrainingOutcome& outcome)
{
    m_iterations = outcome.snapshotIterations;
    m_panel->setCentreIteration(-1);
}

qint64 SnapshotPicker::pick(double iteration)
{
    if (m_iterations.isEmpty() || !std::isfinite(iteration))
        return -1;
    const auto nearest = std::min_element(m_iterations.begin(), m_iterations.end(), [iteration](qint64 a, qint64 b) {
        return std::abs(double(a) - iteration) < std::abs(double(b) - iteration);
    });
    // The last snapshot is the final parameters: the default centre.
    const qint64 chosen = nearest == m_iterations.end() - 1 ? -1 : *nearest;
    m_panel->setCentreIteration(chosen);
    return *nearest;
}

void SnapshotPicker::onMousePress(QMouseEvent* event)
{
    // Only clicks inside the axis rect: the legend and the margins keep their own meaning.
    QCPAxisRect* rect = m_plot->axisRect();
    if (event->button() != Qt::LeftButton || !rect || !rect->rect().contains(event->position().toPoint()))
        return;
    pick(rect->axis(QCPAxis::atBottom)->pixelToCoord(event->position().x()));
}

}   // namespace minimascope::ui
