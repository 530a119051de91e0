#pragma once
// The figure sheet: up to four plots on one landscape A4 PDF page, 2×2 in the given order (more
// panels continue on further pages). Each plot is laid out for its cell, so text keeps its size.
// GUI thread only. Returns false with a message naming the path when a panel is null, the list is
// empty or the file cannot be written.
#include <QList>
#include <QString>

namespace minimascope::ui {

class PlotPanel;

bool exportFigureSheet(const QList<const PlotPanel*>& panels, const QString& pdfPath, QString* error);

}   // namespace minimascope::ui
