#pragma once
// Opens the teaching demos in the main window: reads a demo (core/demos/Demo.h), loads its first
// run into the setup panel (a shipped preset by name, or the demo's own config), sets the
// curvature cadence, shows the explanation dock and, for the escape toy, the animated lesson
// dock (for the filter-normalization demo, the raw and normalized surfaces of its minima; for a
// "compare" demo, a table of every run's end point; for a "surfaces" demo, the lesson's own
// training of its runs: each minimum's filter-normalized surface on one color scale and a table
// of their end points, nothing run in the main window; for the 2-D toys, their decision
// regions; for "sharp-minima-generalize", the rescaling T_alpha of its trained minimum), then
// starts the runs one after the other (each finished run stays on the stability diagram as a
// session point). Owns the start page (Help → Demos, shown at launch until turned
// off). The main window only creates it and adds the menu entry. GUI thread only.
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <initializer_list>
#include <memory>

class QDockWidget;

namespace minimascope::core {
struct Demo;
}

namespace minimascope::ui {

class EscapeDemoView;
class BoundaryDemoView;
class ExplanationDock;
class NormalizationDemoView;
class RescalingDemoView;
class RunComparisonTable;
class MainWindow;
class StartPage;
struct PlotTheme;
struct TrainingOutcome;

class DemoController : public QObject {
    Q_OBJECT
public:
    explicit DemoController(MainWindow* window);
    ~DemoController() override;

    // Opens demo `name` and starts its runs; false with *error (nothing changed) when the demo
    // cannot be read or its first run not loaded.
    bool openDemo(const QString& name, QString* error = nullptr);
    // The demo being shown ("" before any).
    QString currentDemo() const;

    // The gallery (made on first use), shown and raised.
    StartPage* showStartPage();
    // At launch: the gallery when the user has not turned it off.
    void showStartPageIfWanted();
    StartPage* startPage() const { return m_startPage; }
    ExplanationDock* explanationDock() const { return m_explanation; }
    // The escape-toy lesson (made when the escape demo first opens), or nullptr.
    EscapeDemoView* escapeView() const { return m_escapeView; }
    // The filter-normalization lesson, also the "surfaces" view's maps (made when such a demo first
    // opens), or nullptr.
    NormalizationDemoView* normalizationView() const { return m_normalizationView; }
    // The table of a "compare" demo's runs (made when such a demo first opens), or nullptr.
    RunComparisonTable* comparisonTable() const { return m_comparison; }
    // The 2-D toy lesson (made when the "boundary" demo first opens), or nullptr.
    BoundaryDemoView* boundaryView() const { return m_boundaryView; }
    // The rescaling lesson (made when "sharp-minima-generalize" first opens), or nullptr.
    RescalingDemoView* rescalingView() const { return m_rescalingView; }

    void setTheme(const PlotTheme& theme);

public Q_SLOTS:
    // Applies the demo's "try next" change to its first run and starts it.
    void tryNext();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    // Every run of the demo has ended (and the escape lesson is computed): `ok` false when a run
    // failed or diverged or was stopped, with the reason.
    void demoFinished(const QString& name, bool ok, const QString& message);

private:
    void onTrainingFinished(const TrainingOutcome& outcome);
    bool loadRun(int index, QString* error);
    void startCurrentRun();
    void showEscapeLesson();
    void hideEscapeLesson();
    // The lesson docks of the demos with their own panel: a dock tabbed with the loss, one way to
    // report the lesson's end, and the demo's runs handed to the view.
    QDockWidget* addLessonDock(QWidget* view, const QString& title, const QString& objectName);
    void lessonReady(const QString& lesson, const QString& error);
    void runLessonIn(QDockWidget* dock, const std::function<void(const QStringList&, const QStringList&)>& setLesson);
    void showNormalizationLesson();
    void showComparison();
    void showBoundaryLesson();
    void showRescalingLesson();
    // Hides the named docks that are visible until the next demo opens (hideEscapeLesson shows
    // them again), so that a lesson gets their room.
    void makeRoomForLesson(std::initializer_list<const char*> dockNames);
    void recordComparison(const TrainingOutcome& outcome);
    void maybeFinish();

    MainWindow* m_window;
    std::unique_ptr<core::Demo> m_demo;
    int m_run = -1;   // index of the run in progress; -1 = none
    bool m_runsDone = true;
    bool m_lessonPending = false;
    bool m_ok = true;
    QString m_message;
    StartPage* m_startPage = nullptr;   // a child window of the main window: hidden, never deleted, when closed
    ExplanationDock* m_explanation = nullptr;
    QDockWidget* m_escapeDock = nullptr;
    EscapeDemoView* m_escapeView = nullptr;
    QDockWidget* m_normalizationDock = nullptr;
    NormalizationDemoView* m_normalizationView = nullptr;
    QDockWidget* m_comparisonDock = nullptr;
    RunComparisonTable* m_comparison = nullptr;
    QDockWidget* m_boundaryDock = nullptr;
    BoundaryDemoView* m_boundaryView = nullptr;
    QDockWidget* m_rescalingDock = nullptr;
    RescalingDemoView* m_rescalingView = nullptr;
    QString m_comparisonLabel;   // the label of the run in progress for the table; "" = none
    double m_lastSharpness = 0.0, m_lastNonUniformity = 0.0;   // its latest curvature measurement
    QList<QDockWidget*> m_hiddenDocks;                         // hidden while the escape or rescaling lesson shows
    bool m_explanationPlaced = false;
};

}   // namespace minimascope::ui
