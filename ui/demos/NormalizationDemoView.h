#pragma once
// The filter-normalization lesson (demo "filter-normalization", Li et al. 2018): for each of the
// demo's minima (one row each) the loss over the same random plane, through raw N(0, 1)
// directions (left) and the same draws filter-normalized (right), as color maps that share one
// logarithmic color scale, so that the four pictures compare directly; below them, each
// minimum's weight norm and the mean loss over each plane. The "surfaces" view (demo
// "architectures") draws only the filter-normalized plane of each minimum, titled with its run's
// label, on the same shared scale, and below the maps a table of each minimum's steps, training
// loss, test accuracy, a and s (the "compare" demos' table) and each plane's loss range. All
// numbers come from the core (NormalizationLessonWorker, on a thread of its own). GUI thread
// only; a replaced lesson is cancelled at once, and the worker is cancelled and its thread
// joined in the destructor.
#include "PlotTheme.h"
#include "demos/NormalizationLessonWorker.h"

#include <QThread>
#include <QWidget>

#include <memory>

class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;

namespace minimascope::ui {

class RunComparisonTable;

class NormalizationDemoView : public QWidget {
    Q_OBJECT
public:
    explicit NormalizationDemoView(QWidget* parent = nullptr);
    ~NormalizationDemoView() override;

    // Trains the runs (one label and minimascope-run JSON text each) and draws their surfaces.
    // A lesson still computing is cancelled (its answer is dropped).
    void setLesson(const QStringList& labels, const QStringList& runConfigs);
    // Stops the lesson in progress (within a training step, a Lanczos step or a point) and
    // drops its answer: no lessonReady for it.
    void cancel();
    // Both planes of every minimum (false, the default) or the filter-normalized plane only,
    // `resolution` points a side, with a and s measured at each minimum (the "surfaces" view).
    // Takes effect with the next setLesson.
    void setNormalizedOnly(bool normalizedOnly, int resolution = kResolution);
    bool normalizedOnly() const { return m_normalizedOnly; }
    int resolution() const { return m_resolution; }
    // True once the worker has answered the latest request without an error.
    bool hasResult() const { return m_hasResult; }
    const NormalizationLessonResult& result() const { return m_result; }

    QCustomPlot* customPlot() const { return m_plot; }
    // The map of minimum `row` through raw (normalized false) or filter-normalized directions;
    // nullptr for a raw map in the normalized-only view.
    QCPColorMap* colorMap(int row, bool normalized) const;
    QCPColorScale* colorScale() const { return m_scale; }
    // The end points' table of the normalized-only view (hidden in the other).
    RunComparisonTable* table() const { return m_table; }
    QString summaryText() const;
    void setTheme(const PlotTheme& theme);

    // The grid's points a side and the plane's half-width (in multiples of the directions).
    static constexpr int kResolution = 21;
    static constexpr double kRange = 1.0;
    // The "surfaces" view's grid: four small convolutional networks' planes in well under a
    // minute of the lesson's core (docs/demos.md, "architectures").
    static constexpr int kSurfacesResolution = 13;

Q_SIGNALS:
    // The worker answered the latest request (error empty on success).
    void lessonReady(const QString& error);
    // Internal: to the worker thread.
    void computeRequested(const minimascope::ui::NormalizationLessonRequest& request);

private:
    void onReady(const NormalizationLessonResult& result);
    void buildMaps(int rows);
    void fitTableHeight(int rows);
    void applyTheme();

    QCustomPlot* m_plot = nullptr;
    QCPColorScale* m_scale = nullptr;
    QList<QCPColorMap*> m_maps;   // row-major: raw, normalized of minimum 0, then minimum 1, ...
    QLabel* m_summary = nullptr;
    RunComparisonTable* m_table = nullptr;
    QStringList m_labels;
    PlotTheme m_theme = PlotTheme::light();
    QThread m_thread;
    NormalizationLessonWorker* m_worker = nullptr;
    NormalizationLessonResult m_result;
    quint64 m_jobId = 0;
    std::shared_ptr<core::CancelToken> m_cancel;   // the latest request's
    bool m_hasResult = false;
    bool m_normalizedOnly = false;
    int m_resolution = kResolution;
};

}   // namespace minimascope::ui
