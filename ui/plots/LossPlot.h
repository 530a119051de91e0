#pragma once
// LossPlot: training and test loss (left axis, linear or log) and accuracy (right axis, 0..1)
// against the iteration. Only measured series have a legend entry, and the accuracy axis shows
// only once an accuracy was measured (a regression or the escape toy has none). GUI thread only.
#include "PlotPanel.h"

#include <vector>

class QCPGraph;

namespace minimascope::ui {

class LossPlot : public PlotPanel {
    Q_OBJECT

public:
    enum class Series { TrainLoss, TestLoss, TrainAccuracy, TestAccuracy };

    explicit LossPlot(QWidget* parent = nullptr);

    // One evaluation; NaN marks a value that was not measured (that series skips the point).
    // Iterations are expected in increasing order (appending is then O(1)).
    void appendEvaluation(double iteration, double trainLoss, double testLoss, double trainAccuracy,
                          double testAccuracy);

    void setLogScale(bool on);
    bool logScale() const { return m_logScale; }

    QCPGraph* graph(Series series) const;

    // iteration,train_loss,test_loss,train_accuracy,test_accuracy (empty = not measured).
    QString toCsv() const override;
    void clear() override;

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;

private:
    void showMeasuredSeries();

    struct Row {
        double iteration, trainLoss, testLoss, trainAccuracy, testAccuracy;
    };
    std::vector<Row> m_rows;
    QCPGraph* m_graphs[4] = {};
    bool m_logScale = false;
};

}   // namespace minimascope::ui
