#pragma once
// File → Compare run folders…: several run folders on one figure each, as `minimascope-cli
// figures --overlay` draws them (Im, Tao & Branson's re-runs from different initializations with
// and without BatchNorm; Ghorbani et al.'s spectra with and without it). A dialog picks the
// folders, the 1D landscape they all hold (RUN/NAME.vts) and whether to add their spectra; the
// "Runs compared" dock shows the curves and the densities, both on the Export menu. The files are
// read on the GUI thread (a few small files; no torch). GUI thread only.
#include <QObject>
#include <QString>
#include <QStringList>

class QAction;
class QDockWidget;
class QMainWindow;

namespace minimascope::ui {

class CurvesPlot;
class ExportController;
class PlotPanel;

class RunComparisonController : public QObject {
    Q_OBJECT
public:
    // Adds the dock to `window` and its plots to `exports` (before the Export menu is populated).
    RunComparisonController(QMainWindow* window, ExportController* exports);

    QAction* action() const { return m_action; }
    QDockWidget* dock() const { return m_dock; }
    CurvesPlot* curves() const { return m_curves; }
    CurvesPlot* densities() const { return m_densities; }
    QList<PlotPanel*> plots() const;

    // Draws the comparison of `runDirs` (at least two): the landscape `curveName` of each (empty:
    // none) and, with `spectra`, each one's last spectrum. Everything is read before anything is
    // drawn; false with *error (the file and what would write it) when a file is missing or bad,
    // and the dock keeps what it showed.
    bool compare(const QStringList& runDirs, const QString& curveName, bool spectra, QString* error);

private:
    void ask();

    QMainWindow* m_window;
    QAction* m_action;
    QDockWidget* m_dock;
    CurvesPlot* m_curves;
    CurvesPlot* m_densities;
    QStringList m_lastDirs;
};

}   // namespace minimascope::ui
