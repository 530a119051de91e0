#pragma once
// AsymmetryHistogram: how many of the scanned directions (He, Huang & Yuan's asymmetric valleys,
// core/landscape/AsymmetricValleys.h) fall into each range of the asymmetry ratio, the smallest
// outward slope on the sharp side over the largest on the flat side: "0" (the sharp side does not
// rise everywhere), then octaves (0, 1], (1, 2], (2, 4], ... up to (16, ∞), and "∞" (the flat side
// never rises). Each bar is split into the directions found (r, p, c, ζ)-asymmetric and the others.
// GUI thread only.
#include "PlotPanel.h"

#include <vector>

class QCPBars;

namespace minimascope::ui {

class AsymmetryHistogram : public PlotPanel {
    Q_OBJECT

public:
    explicit AsymmetryHistogram(QWidget* parent = nullptr);

    // One ratio and verdict per direction (vectors of equal size; otherwise nothing is drawn).
    void setRatios(const std::vector<double>& ratios, const std::vector<bool>& asymmetric);

    // The bins' labels and their counts, asymmetric and not, in bin order.
    static QStringList binLabels();
    static int binOf(double ratio);
    const std::vector<int>& asymmetricCounts() const { return m_asymmetric; }
    const std::vector<int>& otherCounts() const { return m_other; }

    // bin,ratio_above,ratio_at_most,asymmetric,not_asymmetric (one row a bin).
    QString toCsv() const override;
    void clear() override;

protected:
    void applyTheme(const PlotTheme& theme) override;
    void fitView() const override;

private:
    std::vector<int> m_asymmetric, m_other;
    QCPBars* m_asymmetricBars = nullptr;
    QCPBars* m_otherBars = nullptr;
};

}   // namespace minimascope::ui
