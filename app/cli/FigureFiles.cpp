#include "FigureFiles.h"

#include "common/InputError.h"

#include "PlotPanel.h"

namespace minimascope::cli {

FiguresApplication::FiguresApplication(bool offscreen)
{
    if (offscreen && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    m_app = std::make_unique<QApplication>(m_argc, m_argv);
}

FiguresApplication::~FiguresApplication() = default;

QStringList parseFigureFormats(const std::string& text)
{
    QStringList formats;
    for (const QString& format : QString::fromStdString(text).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (format != QLatin1String("png") && format != QLatin1String("svg") && format != QLatin1String("pdf"))
            throw core::InputError("option --formats: unknown format '" + format.toStdString() + "' (png, svg or pdf)");
        formats << format;
    }
    return formats;
}

QStringList writeFigureImages(ui::PlotPanel& panel, const QString& base, const QStringList& formats, QSize size,
                              double dpi)
{
    panel.resize(size);
    QStringList files;
    QString error;
    for (const QString& format : formats) {
        const QString path = base + QLatin1Char('.') + format;
        if (!panel.exportImage(path, size, dpi, &error))
            throw core::InputError(error.toStdString());
        files << path;
    }
    return files;
}

void writeFigures(const std::vector<Figure>& figures, const std::string& outDir, const QStringList& formats, QSize size,
                  double dpi)
{
    const QString base = QString::fromStdString(outDir) + QLatin1Char('/');
    QString error;
    for (const Figure& figure : figures) {
        writeFigureImages(*figure.panel, base + figure.name, formats, size, dpi);
        if (!figure.panel->exportCsv(base + figure.name + QStringLiteral(".csv"), &error))
            throw core::InputError(error.toStdString());
    }
}

}   // namespace minimascope::cli
