#pragma once
// RunCurvesPlot: the curves of several runs of a study overlaid against the iteration, one color
// per run: their training loss (optionally on a log axis), or their sharpness a = λmax(H) with
// each run's 2/η as a dashed line of its color. A run whose a was measured only at its end shows
// that one point. The curves follow CurvesPlot's rules (a value the axis cannot show is a gap),
// but every run keeps its legend entry, drawn or not. CSV: run,iteration,train_loss (or
// sharpness). GUI thread only.
#include "CurvesPlot.h"

#include <QList>
#include <QVector>

#include <limits>

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;

namespace minimascope::ui {

class RunCurvesPlot : public CurvesPlot {
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
    QList<QCPGraph*> curveGraphs() const;
    // The 2/η lines (Sharpness), one per distinct η.
    const QList<QCPItemStraightLine*>& thresholdLines() const { return m_lines; }

    void setLogScale(bool on);
    bool logScale() const { return logY(); }

    void clear() override;

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;

private:
    bool hasThreshold(const Curve& curve) const;

    Quantity m_quantity;
    QList<Curve> m_curves;
    QList<QCPItemStraightLine*> m_lines;
    QList<int> m_lineCurve;          // the curve whose color each line takes
    QCPItemText* m_hint = nullptr;   // "select runs ..." while there are no curves
};

}   // namespace minimascope::ui
