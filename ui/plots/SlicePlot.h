#pragma once
// SlicePlot: 1D loss slices L(θ* + t·d) through the current parameters, along the top Hessian
// eigenvector v₁ and along a random (filter-normalized) direction, side by side on one axis.
// GUI thread only.
#include "PlotPanel.h"

#include <vector>

class QCPGraph;

namespace minimascope::ui {

class SlicePlot : public PlotPanel {
    Q_OBJECT

public:
    explicit SlicePlot(QWidget* parent = nullptr);

    // Losses at the steps t (increasing). A slice whose length differs from t's is not drawn
    // (an empty one is simply absent); NaN losses are skipped.
    void setSlices(const std::vector<double>& t, const std::vector<double>& alongTopEigenvector,
                   const std::vector<double>& alongRandom);

    // What the slices are: the title, the axes' labels and each slice's legend name and CSV
    // column. The default is the main window's pair; reproduce's follow-ups draw other 1D curves
    // with the same panel (e.g. the interpolation from one solution to another).
    struct Labels {
        QString title, xLabel, yLabel;
        QString first, firstColumn, second, secondColumn;
    };
    static Labels defaultLabels();
    void setLabels(const Labels& labels);

    QCPGraph* topEigenvectorGraph() const { return m_top; }
    QCPGraph* randomGraph() const { return m_random; }

    // t,loss_top_eigenvector,loss_random (empty = not drawn).
    QString toCsv() const override;
    void clear() override;

protected:
    void applyTheme(const PlotTheme& theme) override;

private:
    Labels m_labels;
    std::vector<double> m_t;
    std::vector<double> m_alongTop;
    std::vector<double> m_alongRandom;
    QCPGraph* m_top = nullptr;
    QCPGraph* m_random = nullptr;
};

}   // namespace minimascope::ui
