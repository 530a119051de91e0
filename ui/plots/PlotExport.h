#pragma once
// File output shared by the plot panels and the figure sheet: images of a QCustomPlot, text files
// and CSV formatting. Every function that writes returns false with a message naming the path.
// Files are written whole or not at all (QSaveFile: a temporary beside the target, renamed over
// it on commit), so a failed export never leaves a truncated file or destroys an earlier one.
#include <QSize>
#include <QString>
#include <QStringList>

class QCustomPlot;
class QSaveFile;

namespace minimascope::ui::plotexport {

// Opens `file` for writing, or explains why not.
bool openForWriting(QSaveFile& file, QString* error);
// Renames the finished file over its target, or explains why not (and leaves the target as it was).
bool commitFile(QSaveFile& file, QString* error);

// Renders `plot` to path by suffix (.png/.svg/.pdf); see PlotPanel::exportImage for size and dpi.
bool writeImage(QCustomPlot& plot, const QString& path, QSize size, double dpi, QString* error);

bool writeText(const QString& path, const QString& text, QString* error);

// The shortest decimal that reads back to the same double; empty for NaN (a missing value).
QString csvNumber(double value);
// One CSV line (with the newline); fields with a comma, quote or newline are quoted.
QString csvRow(const QStringList& fields);

}   // namespace minimascope::ui::plotexport
