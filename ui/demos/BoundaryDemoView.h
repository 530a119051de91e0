#pragma once
// The 2-D toy lesson (demo "toy-2d"): for each of the demo's runs (two moons, spirals, XOR) the
// network's decision regions over the input plane (a color map of the predicted class) with the
// training points on top, redrawn from every snapshot the worker sends while it trains, and
// below them one loss plot with each run's training loss. The worker (BoundaryLessonWorker, on
// a thread of its own) runs torch; this view only draws. GUI thread only; the worker is
// cancelled and its thread joined in the destructor.
#include "PlotTheme.h"
#include "demos/BoundaryLessonWorker.h"

#include <QThread>
#include <QWidget>

class QCPColorMap;
class QCPGraph;
class QCPTextElement;
class QCustomPlot;

namespace minimascope::ui {

class BoundaryDemoView : public QWidget {
    Q_OBJECT
public:
    explicit BoundaryDemoView(QWidget* parent = nullptr);
    ~BoundaryDemoView() override;

    // Trains the runs (a label and minimascope-run JSON text each), drawing as they go.
    void setLesson(const QStringList& labels, const QStringList& runConfigs);
    // True once every run of the latest request has ended without an error.
    bool isFinished() const { return m_finished; }
    // The latest frame drawn for run `run` (its points from the run's first frame).
    const BoundaryFrame& lastFrame(int run) const { return m_frames.at(run); }
    int frameCount(int run) const { return m_frameCounts.at(run); }
    QCPColorMap* colorMap(int run) const { return m_maps.at(run); }
    QCPGraph* lossGraph(int run) const { return m_losses.at(run); }
    QCustomPlot* lossPlot() const { return m_lossPlot; }
    void setTheme(const PlotTheme& theme);

    static constexpr int kGridPoints = 81;
    static constexpr int kEvery = 25;

Q_SIGNALS:
    // Every run of the latest request has ended (error empty on success).
    void lessonReady(const QString& error);
    // Internal: to the worker thread.
    void computeRequested(const minimascope::ui::BoundaryLessonRequest& request);

private:
    void onFrame(const BoundaryFrame& frame);
    void onFinished(quint64 jobId, const QString& error);
    void applyTheme();

    QWidget* m_mapsRow = nullptr;
    QList<QCustomPlot*> m_mapPlots;
    QList<QCPColorMap*> m_maps;
    QList<QCPTextElement*> m_titles;
    QList<QList<QCPGraph*>> m_pointGraphs;   // per run, one scatter per class
    QCustomPlot* m_lossPlot = nullptr;
    QList<QCPGraph*> m_losses;
    QList<BoundaryFrame> m_frames;
    QList<int> m_frameCounts;
    QStringList m_labels;
    PlotTheme m_theme = PlotTheme::light();
    QThread m_thread;
    BoundaryLessonWorker* m_worker = nullptr;
    quint64 m_jobId = 0;
    bool m_finished = false;
};

}   // namespace minimascope::ui
