#pragma once
// CurvesPlot: several named curves y(x) on one pair of axes, e.g. each optimizer's gradient norm
// against iteration. The y axis may be logarithmic (then only positive values are drawn).
// GUI thread only.
#include "PlotPanel.h"

#include <QStringList>

#include <vector>

namespace minimascope::ui {

class CurvesPlot : public PlotPanel {
    Q_OBJECT

public:
    explicit CurvesPlot(QWidget* parent = nullptr);

    void setAxisLabels(const QString& x, const QString& y);
    // The CSV's column names (curve,x,y unless set).
    void setCsvColumns(const QString& curve, const QString& x, const QString& y);
    void setLogY(bool on);
    bool logY() const { return m_logY; }
    // Adds a curve named `name` (its legend entry and its value in the CSV's curve column).
    // Points whose x is not finite are skipped; a y that is not finite, or not positive on a log
    // axis, leaves a gap in the line; a curve of different-sized vectors is not drawn.
    void addCurve(const QString& name, const std::vector<double>& xs, const std::vector<double>& ys);
    // Appends a point to curve `index` (live data; x increasing), with addCurve's rules.
    void appendPoint(int index, double x, double y);
    int curveCount() const { return static_cast<int>(m_curves.size()); }
    QCPGraph* curveGraph(int index) const { return m_curves.at(static_cast<size_t>(index)).graph; }

    // curve,x,y (or the names set): one row per point of every curve, as given (skipped points
    // included).
    QString toCsv() const override;
    void clear() override;

protected:
    void applyTheme(const PlotTheme& theme) override;

private:
    struct Curve {
        QString name;
        std::vector<double> xs, ys;
        QCPGraph* graph = nullptr;
    };
    void fill(const Curve& curve) const;
    double drawnValue(double y) const;

    std::vector<Curve> m_curves;
    QStringList m_csvColumns{QStringLiteral("curve"), QStringLiteral("x"), QStringLiteral("y")};
    bool m_logY = false;
};

}   // namespace minimascope::ui
