#pragma once
// The dock of the gradient-noise geometry (GradientNoiseRequest): the spectrum of the gradient
// covariance Sigma_g at the latest point measured (SLQ density on a log axis, the top-k eigenvalues
// as ticks), Sigma_g's top-k eigenvalues against iteration, and against iteration the overlap of H's
// and Sigma_g's top-k subspaces with the share of the full gradient's energy in H's top-k subspace
// (both in [0, 1]); a line above the plots gives the latest numbers. Points at the run's end only
// are single markers. GUI thread only.
#include "workers/CatalogueRecords.h"

#include <QList>
#include <QWidget>

class QLabel;

namespace minimascope::ui {

class CurvesPlot;
class PlotPanel;
class SpectrumPlot;

class GradientNoisePanel : public QWidget {
    Q_OBJECT
public:
    explicit GradientNoisePanel(QWidget* parent = nullptr);

    // Adds the measurement at a later iteration than those shown.
    void addPoint(const GradientNoisePoint& point);
    void clear();

    SpectrumPlot* spectrumPlot() const { return m_spectrum; }
    CurvesPlot* eigenvaluesPlot() const { return m_eigenvalues; }
    // Curve 0: the H / Sigma_g overlap; curve 1: the gradient's share in H's top-k subspace.
    CurvesPlot* sharesPlot() const { return m_shares; }
    QString summary() const;
    QList<PlotPanel*> plots() const;

private:
    SpectrumPlot* m_spectrum = nullptr;
    CurvesPlot* m_eigenvalues = nullptr;
    CurvesPlot* m_shares = nullptr;
    QLabel* m_summary = nullptr;
};

}   // namespace minimascope::ui
