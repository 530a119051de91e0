#pragma once
// The escape-toy lesson (demo "escape"): the toy's curves with the GD and SGD iterates animated
// as dots (play, pause, step, reset, speed), the two minima on a stability diagram with the
// bounds, and sliders for η and B. Moving a slider moves the bounds and the verdicts at once
// (closed form); the iterates for the new η and B follow from the worker thread (a few tens of
// ms) and the animation starts over. All numbers come from the core (EscapeLessonWorker).
// GUI thread only; the worker thread is joined in the destructor.
#include "demos/EscapeLessonWorker.h"

#include <QThread>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSlider;

namespace minimascope::ui {

class EscapeCurvePlot;
class EscapeStabilityDiagram;
class PlotPanel;
struct PlotTheme;

class EscapeDemoView : public QWidget {
    Q_OBJECT
public:
    explicit EscapeDemoView(QWidget* parent = nullptr);
    ~EscapeDemoView() override;

    EscapeCurvePlot* curvePlot() const { return m_curve; }
    EscapeStabilityDiagram* diagram() const { return m_diagram; }
    QList<PlotPanel*> plots() const;
    void setTheme(const PlotTheme& theme);

    double eta() const;
    int batchSize() const;
    // Sets the sliders (η is rounded to 0.01, B clamped to 1..2).
    void setLesson(double eta, int batchSize);
    bool isPlaying() const { return m_timer.isActive(); }
    // True once the worker has answered for the current slider values.
    bool hasResult() const { return m_hasResult; }
    // Animation steps a second.
    int speed() const;

public Q_SLOTS:
    void play();
    void pause();
    void stepOnce();
    void restart();
    // Asks the worker for the current η and B (the sliders call it).
    void recompute();

Q_SIGNALS:
    // The worker answered the latest request (or failed: the message says why).
    void lessonReady(const QString& error);
    // Internal: to the worker thread.
    void computeRequested(const minimascope::ui::EscapeLessonRequest& request);

private:
    void onReady(const EscapeLessonResult& result);
    void onSliders();
    void showBounds();
    void advance();
    void updateButtons();

    EscapeCurvePlot* m_curve = nullptr;
    EscapeStabilityDiagram* m_diagram = nullptr;
    QSlider* m_etaSlider = nullptr;
    QSlider* m_batchSlider = nullptr;
    QSlider* m_speedSlider = nullptr;
    QLabel* m_etaLabel = nullptr;
    QLabel* m_batchLabel = nullptr;
    QLabel* m_speedLabel = nullptr;
    QLabel* m_verdict = nullptr;
    QPushButton* m_play = nullptr;
    QPushButton* m_step = nullptr;
    QPushButton* m_restart = nullptr;
    QThread m_thread;
    EscapeLessonWorker* m_worker = nullptr;
    QTimer m_timer;
    QTimer m_recomputeDelay;   // coalesces slider drags into one request
    quint64 m_jobId = 0;
    bool m_hasResult = false;
    bool m_playWhenReady = true;
};

}   // namespace minimascope::ui
