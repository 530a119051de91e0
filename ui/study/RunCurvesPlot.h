#pragma once
// RunCurvesPlot: the curves of several runs of a study overlaid against the iteration, one color
// per run: their training loss (optionally on a log axis), or their sharpness a = λmax(H) with
// each run's 2/η as a dashed line of its color. A run whose a was measured only at its end shows
// that one point. GUI thread only.
#include "PlotPanel.h"

#include <QList>
#include <QVector>

#include <limits>

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;

namespace minimascope::ui {

class RunCurvesPlot : public PlotPanel {
    Q_OBJECT
public:
    enum class Quantity { TrainLoss, Sharpness };
    struct Curve {
        QString label;
        QVector<double> iterations;
        QVector<double> values;
        double eta = std::numeric_limits<double>::quiet_NaN();   // for the 2/η line
    };

    explicit RunCurvesPlot(Quantity quantity, QWidget* parent = nullptr);

    Quantity quantity() const { return m_quantity; }
    void setCurves(const QList<Curve>& curves);
    const QList<Curve>& curves() const { return m_curves; }
    // One graph per curve, in order.
    const QList<QCPGraph*>& curveGraphs() const { return m_graphs; }
    // The 2/η lines (Sharpness), one per distinct η.
    const QList<QCPItemStraightLine*>& thresholdLines() const { return m_lines; }

    void setLogScale(bool on);
    bool logScale() const { return m_logScale; }

    // run,iteration,value (value = train_loss or sharpness)
    QString toCsv() const override;
    void clear() override;

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;

private:
    Quantity m_quantity;
    QList<Curve> m_curves;
    QList<QCPGraph*> m_graphs;
    QList<QCPItemStraightLine*> m_lines;
    QList<int> m_lineCurve;          // the curve whose color each line takes
    QCPItemText* m_hint = nullptr;   // "select runs ..." while there are no curves
    bool m_logScale = false;
};

}   // namespace minimascope::ui
