#pragma once
// File output shared by the plot panels and the figure sheet: images of a QCustomPlot, text files
// and CSV formatting. Every function that writes returns false with a message naming the path.
#include <QSize>
#include <QString>
#include <QStringList>

class QCustomPlot;
class QFile;

namespace minimascope::ui::plotexport {

// Opens `file` for writing (truncating), or explains why not.
bool openForWriting(QFile& file, QString* error);

// Renders `plot` to path by suffix (.png/.svg/.pdf); see PlotPanel::exportImage for size and dpi.
bool writeImage(QCustomPlot& plot, const QString& path, QSize size, double dpi, QString* error);

bool writeText(const QString& path, const QString& text, QString* error);

// The shortest decimal that reads back to the same double; empty for NaN (a missing value).
QString csvNumber(double value);
// One CSV line (with the newline); fields with a comma, quote or newline are quoted.
QString csvRow(const QStringList& fields);

}  // namespace minimascope::ui::plotexport
