#include "FigureSheet.h"

#include "PlotExport.h"
#include "PlotPanel.h"
#include "QCustomPlotInclude.h"

#include <QSaveFile>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>

namespace minimascope::ui {
namespace {
constexpr int columns = 2;
constexpr int rows = 2;
// Page margin and gap between cells, in millimetres and in layout pixels.
constexpr double marginMm = 10.0;
constexpr int gapPx = 12;

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}
}   // namespace

bool exportFigureSheet(const QList<const PlotPanel*>& panels, const QString& pdfPath, QString* error)
{
    if (panels.isEmpty() || panels.contains(nullptr)) {
        setError(error, QStringLiteral("Cannot write the figure sheet %1: no plot given").arg(pdfPath));
        return false;
    }
    QSaveFile file(pdfPath);
    if (!plotexport::openForWriting(file, error))
        return false;
    // The writer's resolution is the screen's logical dpi that QCustomPlot measures text with, so
    // one device unit is one layout pixel and the plots look as on screen.
    const int layoutDpi = panels.first()->customPlot()->logicalDpiX();
    QPdfWriter writer(&file);
    writer.setCreator(QStringLiteral("MinimaScope"));
    writer.setTitle(QFileInfo(pdfPath).completeBaseName());
    writer.setResolution(layoutDpi);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape,
                                     QMarginsF(marginMm, marginMm, marginMm, marginMm), QPageLayout::Millimeter));
    QCPPainter painter;
    if (!painter.begin(&writer)) {
        setError(error, QStringLiteral("Cannot start drawing the PDF %1").arg(pdfPath));
        return false;
    }
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNonCosmetic);
    const int cellWidth = (writer.width() - gapPx * (columns - 1)) / columns;
    const int cellHeight = (writer.height() - gapPx * (rows - 1)) / rows;
    for (int i = 0; i < panels.size(); ++i) {
        const int onPage = i % (columns * rows);
        if (i > 0 && onPage == 0)
            writer.newPage();
        painter.save();
        painter.translate((onPage % columns) * (cellWidth + gapPx), (onPage / columns) * (cellHeight + gapPx));
        panels[i]->renderTo(&painter, cellWidth, cellHeight);
        painter.restore();
    }
    painter.end();
    return plotexport::commitFile(file, error);
}

}   // namespace minimascope::ui
