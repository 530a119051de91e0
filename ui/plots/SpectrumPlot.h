#pragma once
// SpectrumPlot: the Hessian eigenvalue density from stochastic Lanczos quadrature on a log density
// axis (Ghorbani, Krishnan & Xiao 2019; PyHessian), with the top-k eigenvalues as ticks along the
// eigenvalue axis. While it has neither, a hint inside the axes says how to fill it (on screen
// only: exported figures do not show it). GUI thread only.
#include "PlotPanel.h"

#include <vector>

class QCPGraph;
class QCPItemLine;
class QLabel;

namespace minimascope::ui {

class SpectrumPlot : public PlotPanel {
    Q_OBJECT

public:
    explicit SpectrumPlot(QWidget* parent = nullptr);

    // φ on a grid of eigenvalues (same lengths, grid increasing). Non-positive or NaN densities
    // cannot be shown on the log axis and are skipped; mismatched lengths draw nothing.
    void setDensity(const std::vector<double>& grid, const std::vector<double>& density);
    // Each finite eigenvalue becomes a tick at the bottom of the plot (and a faint full-height line).
    void setTopEigenvalues(const std::vector<double>& eigenvalues);

    QCPGraph* densityGraph() const { return m_density; }
    const std::vector<double>& topEigenvalues() const { return m_eigenvalues; }
    // How to fill the empty plot; hidden once a density or an eigenvalue is shown.
    QLabel* emptyHint() const { return m_emptyHint; }

    // kind,lambda,density: "density" rows (grid, φ) then "eigenvalue" rows (λ, empty).
    QString toCsv() const override;
    void clear() override;

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;

private:
    // Legend entries for what is shown only (none for an empty density or no eigenvalues), and
    // the empty plot's hint when neither is.
    void showPresentSeries();

    QCPGraph* m_density = nullptr;
    QCPGraph* m_ticksEntry = nullptr;   // legend entry of the eigenvalue ticks
    QLabel* m_emptyHint = nullptr;
    std::vector<double> m_grid;
    std::vector<double> m_values;
    std::vector<double> m_eigenvalues;
    QList<QCPItemLine*> m_ticks;   // two per eigenvalue: tick, faint line
};

}   // namespace minimascope::ui
