#pragma once
// The views of a run through training that only some runs have: the gradient norm |∇L(θ)|
// (runs with schedule.gradient_norm) and the Hessian spectra through training (a run folder's
// spectra/, or computed in the app from the snapshots the last run kept). Each view's dock is
// shown when the run has its data and hidden when it has none, so that other runs keep the room.
// GUI thread only.
#include "workers/WorkerTypes.h"

#include <QObject>

class QDockWidget;

namespace minimascope::ui {

class CurvesPlot;
class RunController;

class TrainingViews : public QObject {
    Q_OBJECT
public:
    // The plots and the docks that hold them (dock == nullptr: no dock to show or hide).
    struct Views {
        CurvesPlot* gradientNorm = nullptr;
        QDockWidget* gradientNormDock = nullptr;
        CurvesPlot* densities = nullptr;
        QDockWidget* densitiesDock = nullptr;
        CurvesPlot* topEigenvalues = nullptr;
        QDockWidget* topEigenvaluesDock = nullptr;
    };
    // Follows `runs`: a run's metrics, the spectra it computes.
    TrainingViews(RunController* runs, const Views& views, QObject* parent = nullptr);

    // A new run (or an opened folder or project): every view empty and hidden.
    void clear();
    // The gradient norms of these metrics rows, after those shown (a live run's updates).
    void appendMetrics(const QVector<core::MetricsRow>& rows);
    // Replaces the spectra through training (iteration order); an empty list hides them.
    void setSpectra(const std::vector<SnapshotSpectrum>& spectra);
    const std::vector<SnapshotSpectrum>& spectra() const { return m_spectra; }
    // One more spectrum, of a later iteration than those shown (a live measurement's or the next
    // snapshot's), drawn without redrawing the others; the first one shows the docks.
    void appendSpectrum(const SnapshotSpectrum& spectrum);
    // A saved run folder: its metrics' gradient norms and its spectra/ (files of run `runId`).
    // False with *error when spectra/ holds a file that cannot be read (the rest is shown).
    bool showRunFolder(const QString& dir, const QString& runId, const QVector<core::MetricsRow>& metrics,
                       QString* error);

private:
    void onSpectraUpdate(const SpectraUpdate& update);
    void showDock(QDockWidget* dock, bool shown, bool raise);

    Views m_views;
    std::vector<double> m_iterations;   // of every row so far, measured or not
    std::vector<double> m_norms;
    bool m_gradientNormShown = false;
    std::vector<SnapshotSpectrum> m_spectra;
};

}   // namespace minimascope::ui
