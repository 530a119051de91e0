#pragma once
// Geometry and legend read-outs of a laid-out QCustomPlot, shared by the plot suites.
#include "QCustomPlotInclude.h"

#include <QRectF>
#include <QStringList>

#include <algorithm>

namespace minimascope::testsupport {

// The names of the plottables in the legend, in legend order.
inline QStringList legendNames(const QCustomPlot* plot)
{
    QStringList names;
    for (int i = 0; i < plot->legend->itemCount(); ++i) {
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i)))
            names << item->plottable()->name();
    }
    return names;
}

// The pixel rectangle a text item covers (rotated or not): the hull of its four corners.
inline QRectF textRect(const QCPItemText* text)
{
    const QPointF corners[] = {text->topLeft->pixelPosition(), text->topRight->pixelPosition(),
                               text->bottomLeft->pixelPosition(), text->bottomRight->pixelPosition()};
    double left = corners[0].x(), right = left, top = corners[0].y(), bottom = top;
    for (const QPointF& c : corners) {
        left = std::min(left, c.x());
        right = std::max(right, c.x());
        top = std::min(top, c.y());
        bottom = std::max(bottom, c.y());
    }
    return QRectF(QPointF(left, top), QPointF(right, bottom));
}

}   // namespace minimascope::testsupport
