#pragma once
// EscapeCurvePlot: the 1D escape toy of Wu, Ma & E drawn over x: the two per-example losses
// f_1, f_2 (thin), the training loss f = (f_1 + f_2)/2 (thick), and the iterates of GD and of
// SGD as two dots on f that move as the lesson's animation steps through them, each with a
// faint trail of the points it has visited. The x range covers the curves and every iterate.
// GUI thread only.
#include "PlotPanel.h"

#include <vector>

class QCPGraph;
class QCPItemText;

namespace minimascope::ui {

class EscapeCurvePlot : public PlotPanel {
    Q_OBJECT

public:
    explicit EscapeCurvePlot(QWidget* parent = nullptr);

    // The curves on a grid of x (equal lengths; otherwise nothing is drawn).
    void setCurves(const std::vector<double>& x, const std::vector<double>& example1,
                   const std::vector<double>& example2, const std::vector<double>& mean);
    // The iterates x_0..x_T and f(x_k) of each optimizer; the dots start at step 0.
    void setPaths(const std::vector<double>& gdX, const std::vector<double>& gdLoss, const std::vector<double>& sgdX,
                  const std::vector<double>& sgdLoss);
    // Shows iterate `step` (clamped to each path's end) and the trail up to it.
    void setStep(int step);
    int step() const { return m_step; }
    // The longest path's last step (0 without paths).
    int lastStep() const;

    // Where each dot is now (NaN without a path).
    double gdPosition() const;
    double sgdPosition() const;

    QCPGraph* meanGraph() const { return m_mean; }
    QCPGraph* gdDot() const { return m_gdDot; }
    QCPGraph* sgdDot() const { return m_sgdDot; }

    // x,f1,f2,f for the curves, then step,x_gd,f_gd,x_sgd,f_sgd for the paths.
    QString toCsv() const override;
    void clear() override;

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;

private:
    struct Path {
        std::vector<double> x, loss;
    };
    void showStep(const Path& path, int step, QCPGraph* dot, QCPGraph* trail) const;

    std::vector<double> m_x, m_f1, m_f2, m_f;
    Path m_gd, m_sgd;
    int m_step = 0;
    QCPGraph* m_example1 = nullptr;
    QCPGraph* m_example2 = nullptr;
    QCPGraph* m_mean = nullptr;
    QCPGraph* m_gdTrail = nullptr;
    QCPGraph* m_sgdTrail = nullptr;
    QCPGraph* m_gdDot = nullptr;
    QCPGraph* m_sgdDot = nullptr;
    QCPItemText* m_stepLabel = nullptr;
};

}   // namespace minimascope::ui
