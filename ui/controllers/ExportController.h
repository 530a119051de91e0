#pragma once
// The Export menu: every registered plot to an image (PNG with a chosen size and DPI, SVG, PDF)
// and to CSV, the figure sheet (the four plots on one PDF page), the 3D view to PNG and its
// numbers to .vts/.csv/.npy.
// Failures are shown in a message box, never thrown. GUI thread only.
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include "SurfaceData.h"

#include <functional>

class QMenu;
class QWidget;

namespace minimascope::ui {

class PlotPanel;

class ExportController : public QObject {
    Q_OBJECT
public:
    explicit ExportController(QWidget* window);

    void addPlot(const QString& name, PlotPanel* panel);
    // The 3D view's export: renders an image of the given size (null image on failure).
    void setSurfaceRenderer(std::function<QImage(const QSize&)> render);
    // The surface behind the 3D view, for its data export.
    void setSurfaceSource(std::function<SurfaceData()> surface);
    // Fills `menu` with one submenu per plot and the figure sheet.
    void populate(QMenu* menu);

private:
    void exportImage(PlotPanel* panel, const QString& name);
    void exportCsv(PlotPanel* panel, const QString& name);
    void exportSheet();
    void exportSurface();
    void exportSurfaceNumbers();
    QString askPath(const QString& title, const QString& baseName, const QString& filters);
    void report(bool ok, const QString& path, const QString& error);

    QWidget* m_window;
    QList<QPair<QString, PlotPanel*>> m_plots;
    std::function<QImage(const QSize&)> m_renderSurface;
    std::function<SurfaceData()> m_surface;
};

}   // namespace minimascope::ui
