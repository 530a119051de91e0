#include "controllers/TrainingViews.h"

#include "controllers/RunController.h"
#include "controllers/SpectraFolder.h"

#include "CurvesPlot.h"
#include "GradientNormPlot.h"

#include <QDockWidget>

namespace minimascope::ui {

TrainingViews::TrainingViews(RunController* runs, const Views& views, QObject* parent) : QObject(parent), m_views(views)
{
    connect(runs, &RunController::trainingUpdate, this,
            [this](const TrainingUpdate& update) { appendMetrics(update.rows); });
    connect(runs, &RunController::spectraUpdate, this, &TrainingViews::onSpectraUpdate);
    connect(runs, &RunController::spectraReady, this, [this](const SpectraResult& result) {
        if (result.status != core::RunStatus::Failed)
            setSpectra(result.spectra);
    });
}

void TrainingViews::showDock(QDockWidget* dock, bool shown, bool raise)
{
    if (!dock)
        return;
    dock->setVisible(shown);
    if (shown && raise)
        dock->raise();
}

void TrainingViews::clear()
{
    m_iterations.clear();
    m_norms.clear();
    m_gradientNormShown = false;
    m_views.gradientNorm->clear();
    showDock(m_views.gradientNormDock, false, false);
    setSpectra({});
}

void TrainingViews::appendMetrics(const QVector<core::MetricsRow>& rows)
{
    for (const core::MetricsRow& row : rows) {
        m_iterations.push_back(double(row.iteration));
        m_norms.push_back(row.gradientNorm);
        if (m_gradientNormShown)
            m_views.gradientNorm->appendPoint(0, double(row.iteration), row.gradientNorm);
    }
    // The first measured norm makes the plot, with the rows before it.
    if (!m_gradientNormShown && fillGradientNorm(m_iterations, m_norms, *m_views.gradientNorm)) {
        m_gradientNormShown = true;
        showDock(m_views.gradientNormDock, true, false);
    }
}

void TrainingViews::setSpectra(const std::vector<SnapshotSpectrum>& spectra)
{
    m_spectra = spectra;
    m_views.densities->clear();
    m_views.topEigenvalues->clear();
    const bool any = fillSpectraOverTraining(m_spectra, *m_views.densities, *m_views.topEigenvalues);
    showDock(m_views.topEigenvaluesDock, any, false);
    showDock(m_views.densitiesDock, any, true);
}

void TrainingViews::appendSpectrum(const SnapshotSpectrum& spectrum)
{
    const bool first = m_spectra.empty();
    m_spectra.push_back(spectrum);
    appendSpectrumOverTraining(spectrum, *m_views.densities, *m_views.topEigenvalues);
    if (first) {
        showDock(m_views.topEigenvaluesDock, true, false);
        showDock(m_views.densitiesDock, true, true);
    }
}

void TrainingViews::onSpectraUpdate(const SpectraUpdate& update)
{
    // A new computation starts with its first snapshot; each one done is drawn at once.
    if (update.index == 0)
        setSpectra({});
    appendSpectrum(update.spectrum);
}

bool TrainingViews::showRunFolder(const QString& dir, const QString& runId, const QVector<core::MetricsRow>& metrics,
                                  QString* error)
{
    clear();
    appendMetrics(metrics);
    // An opened folder has no curvature samples on the sharpness tab: its gradient norm goes in front.
    showDock(m_views.gradientNormDock, m_gradientNormShown, true);
    try {
        setSpectra(readSpectraFolder(dir.toStdString(), runId.toStdString()));
        return true;
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
}

}   // namespace minimascope::ui
