#pragma once
// The common part of an analysis of the last run that the main window offers as a menu entry and
// shows in a dock of its own (the gradient-noise geometry, the fitness-distance correlation): the
// action, enabled only when a run's parameters can be analyzed and nothing else runs (its tooltip
// says why not), and the dock, hidden until the analysis has something to show.
// The work runs on the session's worker through RunController; the GUI thread never waits on it.
// The main window shows `started` on its progress bar and `finished` in its log. GUI thread only.
#include "common/RunStatus.h"

#include <QObject>
#include <QString>

class QAction;
class QDockWidget;
class QMainWindow;
class QWidget;

namespace minimascope::ui {

class RunController;

class AnalysisViewController : public QObject {
    Q_OBJECT
public:
    QAction* action() const { return m_action; }
    QDockWidget* dock() const { return m_dock; }

Q_SIGNALS:
    // An analysis was queued: the progress bar's format ("noise %p%") and a line for the log.
    void started(const QString& progressFormat, const QString& logLine);
    // It ended (Failed: `line` says why).
    void finished(minimascope::core::RunStatus status, const QString& line);

protected:
    // `view` goes into a dock named `dockName` on the right of `window`, hidden at first.
    AnalysisViewController(RunController* runs, QMainWindow* window, const QString& actionName,
                           const QString& actionText, const QString& dockName, const QString& dockTitle, QWidget* view);

    RunController* runs() const { return m_runs; }
    QMainWindow* window() const { return m_window; }
    // Whether an analysis can start now; false with the reason in *why.
    bool canStart(QString* why) const;
    // canStart(); when false, also `finished` with Failed, "<what>: <the reason>".
    bool readyToStart(const QString& what);
    // A result arrived: false when it failed, after `finished` with "<what> Failed: <message>";
    // true otherwise (the caller shows it and reports `finished`).
    bool arrivedWithResult(const QString& what, core::RunStatus status, const QString& message);
    // Why this analysis does not fit the last run (e.g. its data set), beyond having none; empty
    // when it fits.
    virtual QString whyUnfit() const;
    // The action was triggered (and is enabled): ask for the options and start.
    virtual void ask() = 0;
    void showDock();
    void updateAction();

private:
    RunController* m_runs;
    QMainWindow* m_window;
    QAction* m_action;
    QDockWidget* m_dock;
};

}   // namespace minimascope::ui
