#pragma once
// The filter-normalization lesson (demo "filter-normalization", Li et al. 2018): for each of the
// demo's minima (one row each) the loss over the same random plane, through raw N(0, 1)
// directions (left) and the same draws filter-normalized (right), as color maps that share one
// logarithmic color scale, so that the four pictures compare directly; below them, each
// minimum's weight norm and the mean loss over each plane. All numbers come from the core
// (NormalizationLessonWorker, on a thread of its own). GUI thread only; the worker is cancelled
// and its thread joined in the destructor.
#include "PlotTheme.h"
#include "demos/NormalizationLessonWorker.h"

#include <QThread>
#include <QWidget>

class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;

namespace minimascope::ui {

class NormalizationDemoView : public QWidget {
    Q_OBJECT
public:
    explicit NormalizationDemoView(QWidget* parent = nullptr);
    ~NormalizationDemoView() override;

    // Trains the runs (one label and minimascope-run JSON text each) and draws their surfaces.
    void setLesson(const QStringList& labels, const QStringList& runConfigs);
    // True once the worker has answered the latest request without an error.
    bool hasResult() const { return m_hasResult; }
    const NormalizationLessonResult& result() const { return m_result; }

    QCustomPlot* customPlot() const { return m_plot; }
    // The map of minimum `row` through raw (normalized false) or filter-normalized directions.
    QCPColorMap* colorMap(int row, bool normalized) const;
    QCPColorScale* colorScale() const { return m_scale; }
    QString summaryText() const;
    void setTheme(const PlotTheme& theme);

    // The grid's points a side and the plane's half-width (in multiples of the directions).
    static constexpr int kResolution = 21;
    static constexpr double kRange = 1.0;

Q_SIGNALS:
    // The worker answered the latest request (error empty on success).
    void lessonReady(const QString& error);
    // Internal: to the worker thread.
    void computeRequested(const minimascope::ui::NormalizationLessonRequest& request);

private:
    void onReady(const NormalizationLessonResult& result);
    void buildMaps(int rows);
    void applyTheme();

    QCustomPlot* m_plot = nullptr;
    QCPColorScale* m_scale = nullptr;
    QList<QCPColorMap*> m_maps;   // row-major: raw, normalized of minimum 0, then minimum 1, ...
    QLabel* m_summary = nullptr;
    QStringList m_labels;
    PlotTheme m_theme = PlotTheme::light();
    QThread m_thread;
    NormalizationLessonWorker* m_worker = nullptr;
    NormalizationLessonResult m_result;
    quint64 m_jobId = 0;
    bool m_hasResult = false;
};

} // namespace minimascope::ui
