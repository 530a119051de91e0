#pragma once
// What `figures`, `figures --overlay` and `fdc` share: the application object of headless drawing, the
// --formats list and the files of each figure (every format plus the CSV of its data).
// GUI libraries only (MINIMASCOPE_HAVE_FIGURES). Errors throw core::InputError naming the file.
#include "SpectraOverTraining.h"

#include <QApplication>
#include <QSize>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>
#include <vector>

namespace minimascope::ui {
class PlotPanel;
}

namespace minimascope::cli {

struct Figure {
    QString name;   // the file name without the suffix
    ui::PlotPanel* panel;
};

// The QApplication the plots need, on Qt's offscreen platform unless `offscreen` is false or a
// platform is set (QT_QPA_PLATFORM): 2D plots need no display.
class FiguresApplication {
public:
    explicit FiguresApplication(bool offscreen = true);
    ~FiguresApplication();

private:
    int m_argc = 1;
    char m_name[16] = "minimascope-cli";
    char* m_argv[2] = {m_name, nullptr};
    std::unique_ptr<QApplication> m_app;
};

// "png,svg" -> {png, svg}; an unknown format throws InputError.
QStringList parseFigureFormats(const std::string& formats);

// The panel as BASE.FORMAT for every format (BASE: a path without the suffix), at `size` pixels
// and `dpi`; returns the files written.
QStringList writeFigureImages(ui::PlotPanel& panel, const QString& base, const QStringList& formats, QSize size,
                              double dpi);

// Each figure as OUTDIR/NAME.FORMAT for every format, at `size` pixels and `dpi`, and its data
// as OUTDIR/NAME.csv.
void writeFigures(const std::vector<Figure>& figures, const std::string& outDir, const QStringList& formats, QSize size,
                  double dpi);

}   // namespace minimascope::cli
