#pragma once
// The rescaling lesson (demo "sharp-minima-generalize", Dinh et al. 2017): a slider for alpha
// (log scale, 1/100 to 100) applies T_alpha to the demo's trained ReLU network. Top: the
// sharpness a, the trace, the epsilon-sharpness and the training loss against alpha (log-log,
// measured at half-decade steps once the network is trained; a line and markers at the
// slider's alpha). Middle: the loss over one plane through raw directions and through the same
// draws filter-normalized, at the slider's alpha, on one logarithmic color scale fixed at
// alpha = 1 (so colors compare across alphas; values beyond it take the end colors). Bottom: a
// table of every quantity at alpha = 1 and at the slider's alpha, and their ratio.
// All numbers come from the core (RescalingLessonWorker, on a thread of its own): moving the
// slider restarts a short timer, then asks the worker for the new alpha and cancels the request
// it replaces; the GUI thread only draws. The worker is cancelled and its thread joined in the
// destructor. GUI thread only.
#include "PlotTheme.h"
#include "demos/RescalingLessonWorker.h"

#include <QThread>
#include <QTimer>
#include <QWidget>

class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemStraightLine;
class QCustomPlot;
class QLabel;
class QSlider;
class QTableWidget;

namespace minimascope::ui {

class RescalingDemoView : public QWidget {
    Q_OBJECT
public:
    // The curves against alpha, in the order of sweepGraph().
    enum class Quantity { Sharpness, Trace, EpsilonSharpness, TrainLoss };

    explicit RescalingDemoView(QWidget* parent = nullptr);
    ~RescalingDemoView() override;

    // Trains the run (a label and its minimascope-run JSON text), then measures its minimum at
    // alpha = 1 with the planes and at the sweep's alphas; the slider goes back to alpha = 1.
    void setLesson(const QString& label, const QString& runConfig);
    double alpha() const;
    // Moves the slider to the nearest position (alpha clamped to [kMinAlpha, kMaxAlpha]).
    void setAlpha(double alpha);
    QSlider* alphaSlider() const { return m_slider; }

    // The lesson (training, alpha = 1, the sweep) has been computed without error.
    bool isReady() const { return m_ready; }
    // The slider's alpha has been measured and drawn (false while a newer one is on its way).
    bool hasPoint() const { return m_hasPoint; }
    const RescalingTrainedInfo& trainedInfo() const { return m_info; }
    const RescalingPoint& reference() const { return m_reference; }   // alpha = 1
    const RescalingPoint& current() const { return m_current; }       // the slider's latest
    const std::vector<RescalingPoint>& sweep() const { return m_sweep; }

    QCustomPlot* sweepPlot() const { return m_sweepPlot; }
    QCPGraph* sweepGraph(Quantity quantity) const;
    QCustomPlot* mapsPlot() const { return m_mapsPlot; }
    QCPColorMap* colorMap(bool normalized) const { return normalized ? m_normalizedMap : m_rawMap; }
    QCPColorScale* colorScale() const { return m_scale; }
    QTableWidget* table() const { return m_table; }
    QString summaryText() const;
    void setTheme(const PlotTheme& theme);

    static constexpr int kResolution = 21;
    static constexpr double kRange = 1.0;
    static constexpr double kMinAlpha = 0.01;
    static constexpr double kMaxAlpha = 100.0;

Q_SIGNALS:
    // The lesson's request ended (error empty on success).
    void lessonReady(const QString& error);
    // The slider's alpha has been measured and drawn.
    void pointMeasured(double alpha);
    // Internal: to the worker thread.
    void computeRequested(const minimascope::ui::RescalingLessonRequest& request);

private:
    void onSlider();
    void requestPoint();
    void onTrained(const RescalingTrainedInfo& info);
    void onMeasured(const RescalingPoint& point);
    void onFinished(quint64 jobId, quint64 lessonId, const QString& error);
    void addSweepPoint(const RescalingPoint& point);
    void showCurrent();
    void showMaps();
    void fillTable();
    void updateSummary();
    void applyTheme();

    QSlider* m_slider = nullptr;
    QLabel* m_alphaLabel = nullptr;
    QCustomPlot* m_sweepPlot = nullptr;
    QList<QCPGraph*> m_sweepGraphs;     // one per Quantity
    QList<QCPGraph*> m_currentGraphs;   // the slider's point on each curve
    QCPItemStraightLine* m_alphaLine = nullptr;
    QCustomPlot* m_mapsPlot = nullptr;
    QCPColorMap* m_rawMap = nullptr;
    QCPColorMap* m_normalizedMap = nullptr;
    QCPColorScale* m_scale = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_summary = nullptr;
    PlotTheme m_theme = PlotTheme::light();

    QThread m_thread;
    RescalingLessonWorker* m_worker = nullptr;
    QTimer m_delay;   // coalesces slider moves into one request
    quint64 m_nextJob = 0;
    quint64 m_lessonId = 0;
    quint64 m_lessonJob = 0;   // the request that trains and measures alpha = 1 and the sweep
    quint64 m_pointJob = 0;    // the latest request for the slider's alpha
    std::shared_ptr<core::CancelToken> m_lessonCancel, m_pointCancel;

    QString m_label;
    RescalingTrainedInfo m_info;
    RescalingPoint m_reference, m_current;
    std::vector<RescalingPoint> m_sweep;
    bool m_trained = false, m_hasReference = false, m_hasPoint = false, m_ready = false;
    QString m_error;
};

}   // namespace minimascope::ui
