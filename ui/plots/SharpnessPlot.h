#pragma once
// SharpnessPlot: the sharpness a = λmax(H) against the iteration, with the line a = 2/η above
// which gradient descent on a quadratic diverges (the "edge of stability", Cohen et al. 2021).
// GUI thread only.
#include "PlotPanel.h"

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;

namespace minimascope::ui {

class SharpnessPlot : public PlotPanel {
    Q_OBJECT

public:
    explicit SharpnessPlot(QWidget* parent = nullptr);

    // Draws the line a = 2/eta; eta <= 0 or NaN hides it.
    void setLearningRate(double eta);
    // 2/η, or NaN when no learning rate is set.
    double stabilityThreshold() const { return m_threshold; }

    // Iterations are expected in increasing order.
    void appendSharpness(double iteration, double sharpness);

    QCPGraph* sharpnessGraph() const { return m_graph; }
    QCPItemStraightLine* thresholdLine() const { return m_line; }
    QCPItemText* thresholdLabel() const { return m_label; }

    // iteration,sharpness
    QString toCsv() const override;
    // Removes the points; the learning rate stays.
    void clear() override;

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;

private:
    QCPGraph* m_graph = nullptr;
    QCPItemStraightLine* m_line = nullptr;
    QCPItemText* m_label = nullptr;
    double m_threshold;
};

}   // namespace minimascope::ui
