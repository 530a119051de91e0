#pragma once
// SurfaceMapPlot: a loss surface L(θ* + α·d₁ + β·d₂) seen from above, as a color map over (α, β)
// on a log color scale with its color bar, the centre θ* marked. It needs no X server (the 3D view
// does), so minimascope-cli reproduce draws its follow-up surfaces with it. GUI thread only.
#include "PlotPanel.h"

#include <vector>

class QCPColorMap;
class QCPColorScale;
class QCPGraph;

namespace minimascope::ui {

// The smallest and largest finite positive loss over a plane (what a logarithmic color scale can
// show), widening [low, high]; false when the plane has none. Several maps that share one color
// scale (setColorRange) widen the same pair.
bool widenToPositiveRange(const std::vector<double>& losses, double& low, double& high);

class SurfaceMapPlot : public PlotPanel {
    Q_OBJECT

public:
    explicit SurfaceMapPlot(QWidget* parent = nullptr);

    // alphas and betas increasing and evenly spaced (a landscape grid); losses row-major
    // [betas][alphas]. Cells whose loss is not positive and finite are left blank. Sizes that do
    // not match clear the map.
    void setSurface(const std::vector<double>& alphas, const std::vector<double>& betas,
                    const std::vector<double>& losses);
    // Axis names, e.g. "α along v₁" and "β along the gradient".
    void setAxisLabels(const QString& alpha, const QString& beta);
    // The losses the color scale spans (both positive, low < high), so that several maps compare
    // color for color; without it the scale fits the data.
    void setColorRange(double low, double high);

    QCPColorMap* colorMap() const { return m_map; }
    QCPColorScale* colorScale() const { return m_scale; }

    // alpha,beta,loss: one row per grid point.
    QString toCsv() const override;
    void clear() override;

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;

private:
    std::vector<double> m_alphas, m_betas, m_losses;
    double m_colorLow = 0.0, m_colorHigh = 0.0;   // 0, 0: fit the data
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPGraph* m_centre = nullptr;
};

}   // namespace minimascope::ui
