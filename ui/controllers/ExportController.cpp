#include "controllers/ExportController.h"

#include "controllers/SurfaceDataExport.h"

#include "dialogs/ImageExportDialog.h"

#include "FigureSheet.h"
#include "PlotPanel.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace minimascope::ui {

ExportController::ExportController(QWidget* window) : QObject(window), m_window(window) { }

void ExportController::addPlot(const QString& name, PlotPanel* panel) { m_plots.append({name, panel}); }

void ExportController::setSurfaceRenderer(std::function<QImage(const QSize&)> render)
{
    m_renderSurface = std::move(render);
}

void ExportController::populate(QMenu* menu)
{
    for (const auto& [name, panel] : m_plots) {
        QMenu* sub = menu->addMenu(name);
        PlotPanel* target = panel;
        const QString title = name;
        sub->addAction(tr("Image (PNG, SVG, PDF)…"), this, [this, target, title] { exportImage(target, title); });
        sub->addAction(tr("Data (CSV)…"), this, [this, target, title] { exportCsv(target, title); });
    }
    menu->addSeparator();
    menu->addAction(tr("Figure sheet (PDF)…"), this, &ExportController::exportSheet);
    if (m_renderSurface)
        menu->addAction(tr("3D view (PNG)…"), this, &ExportController::exportSurface);
    if (m_surface)
        menu->addAction(tr("3D surface data (VTK .vts, CSV, NPY)…"), this, &ExportController::exportSurfaceNumbers);
}

QString ExportController::askPath(const QString& title, const QString& baseName, const QString& filters)
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("export/dir"), QDir::homePath()).toString();
    QString selected;
    const QString path = QFileDialog::getSaveFileName(m_window, title, QDir(dir).filePath(baseName), filters,
                                                      &selected);
    if (!path.isEmpty())
        settings.setValue(QStringLiteral("export/dir"), QFileInfo(path).absolutePath());
    return path;
}

void ExportController::report(bool ok, const QString& path, const QString& error)
{
    if (!ok) {
        QMessageBox::warning(m_window, tr("Export failed"), error);
        return;
    }
    if (auto* window = qobject_cast<QMainWindow*>(m_window))
        window->statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
}

void ExportController::exportImage(PlotPanel* panel, const QString& name)
{
    QString path = askPath(tr("Export %1").arg(name),
                           name.toLower().replace(QLatin1Char(' '), QLatin1Char('-')) + QStringLiteral(".png"),
                           tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    ImageExportDialog dialog(QFileInfo(path).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) != 0,
                             m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    report(panel->exportImage(path, dialog.imageSize(), dialog.dpi(), &error), path, error);
}

void ExportController::exportCsv(PlotPanel* panel, const QString& name)
{
    const QString path = askPath(tr("Export the data of %1").arg(name),
                                 name.toLower().replace(QLatin1Char(' '), QLatin1Char('-')) + QStringLiteral(".csv"),
                                 tr("CSV table (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    report(panel->exportCsv(path, &error), path, error);
}

void ExportController::exportSheet()
{
    const QString path = askPath(tr("Export the figure sheet"), QStringLiteral("figures.pdf"),
                                 tr("PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    QList<const PlotPanel*> panels;
    for (const auto& entry : m_plots)
        if (panels.size() < 4)
            panels.append(entry.second);
    QString error;
    report(exportFigureSheet(panels, path, &error), path, error);
}

void ExportController::exportSurface()
{
    const QString path = askPath(tr("Export the 3D view"), QStringLiteral("surface.png"), tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    ImageExportDialog dialog(false, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QImage image = m_renderSurface(dialog.imageSize());
    if (image.isNull()) {
        report(false, path, tr("The 3D view could not be rendered (is there a surface to show?)."));
        return;
    }
    report(image.save(path), path, tr("Cannot write %1").arg(path));
}

void ExportController::setSurfaceSource(std::function<SurfaceData()> surface) { m_surface = std::move(surface); }

void ExportController::exportSurfaceNumbers()
{
    const QString path = askPath(tr("Export the surface's numbers"), QStringLiteral("surface.vts"),
                                 tr("VTK structured grid (*.vts)"));
    if (path.isEmpty())
        return;
    QString error;
    report(exportSurfaceData(m_surface(), path, &error), path, error);
}

}   // namespace minimascope::ui
