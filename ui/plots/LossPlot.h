#pragma once
// LossPlot: training and test loss (left axis, linear or log) and accuracy (right axis, 0..1)
// against the iteration. Only measured series have a legend entry, and the accuracy axis shows
// only once an accuracy was measured (a regression or the escape toy has none). A run that switches
// optimizer (RunConfig's "switch") is marked by a vertical line at its first iteration with the
// new optimizer, labelled "switch: adam → sgd". GUI thread only.
#include "PlotPanel.h"

#include <vector>

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;

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

    // Marks the switch from optimizer `from` to `to` at `iteration` (the first step of `to`).
    void setOptimizerSwitch(double iteration, const QString& from, const QString& to);
    void clearOptimizerSwitch();
    QCPItemStraightLine* switchLine() const { return m_switchLine; }
    QCPItemText* switchLabel() const { return m_switchLabel; }

    // iteration,train_loss,test_loss,train_accuracy,test_accuracy (empty = not measured).
    QString toCsv() const override;
    // Removes the points; the switch marker stays (it belongs to the run's config).
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
    QCPItemStraightLine* m_switchLine = nullptr;
    QCPItemText* m_switchLabel = nullptr;
    bool m_logScale = false;
};

}   // namespace minimascope::ui
