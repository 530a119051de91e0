#include "PlotExport.h"

#include "QCustomPlotInclude.h"

#include <QSaveFile>
#include <QFileInfo>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <charconv>
#include <cmath>

namespace minimascope::ui::plotexport {
namespace {

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

// The plot is laid out at size * layoutDpi / dpi and scaled up by dpi / layoutDpi: text and
// lines then have the size they have on a screen of `dpi`. Fonts are measured by QCustomPlot at
// the screen's logical dpi, so the layout device must use that dpi too.
QSize layoutSize(QSize size, double dpi, double layoutDpi)
{
    const double f = layoutDpi / dpi;
    return {std::max(1, qRound(size.width() * f)), std::max(1, qRound(size.height() * f))};
}

bool writePng(QCustomPlot& plot, const QString& path, QSize size, double dpi, QString* error)
{
    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    const double layoutDpi = plot.logicalDpiX();
    const int layoutDotsPerMeter = qRound(layoutDpi / 0.0254);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.setDotsPerMeterX(layoutDotsPerMeter);
    image.setDotsPerMeterY(layoutDotsPerMeter);
    image.fill(Qt::transparent);   // toPainter paints the background over the whole layout
    const QSize layout = layoutSize(size, dpi, layoutDpi);
    {
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(double(size.width()) / layout.width(), double(size.height()) / layout.height());
        plot.toPainter(&painter, layout.width(), layout.height());
    }
    const int dotsPerMeter = qRound(dpi / 0.0254);
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    if (!image.save(&file, "PNG")) {
        setError(error, QStringLiteral("Cannot write the PNG image %1").arg(path));
        return false;
    }
    return commitFile(file, error);
}

bool writeSvg(QCustomPlot& plot, const QString& path, QSize size, double dpi, QString* error)
{
    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    const double layoutDpi = plot.logicalDpiX();
    const QSize layout = layoutSize(size, dpi, layoutDpi);
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setResolution(qRound(layoutDpi));
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), layout));
    generator.setTitle(QFileInfo(path).completeBaseName());
    generator.setDescription(QStringLiteral("MinimaScope plot"));
    QCPPainter painter;
    if (!painter.begin(&generator)) {
        setError(error, QStringLiteral("Cannot start drawing the SVG image %1").arg(path));
        return false;
    }
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    plot.toPainter(&painter, layout.width(), layout.height());
    painter.end();
    return commitFile(file, error);
}

bool writePdf(QCustomPlot& plot, const QString& path, QSize size, double dpi, QString* error)
{
    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    const double layoutDpi = plot.logicalDpiX();
    const QSize layout = layoutSize(size, dpi, layoutDpi);
    // The page is `size` at `dpi`; the writer's resolution is the layout dpi, so one layout pixel
    // is one device unit.
    QPdfWriter writer(&file);
    writer.setCreator(QStringLiteral("MinimaScope"));
    writer.setTitle(QFileInfo(path).completeBaseName());
    writer.setResolution(qRound(layoutDpi));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    writer.setPageSize(QPageSize(QSizeF(size.width() * 72.0 / dpi, size.height() * 72.0 / dpi), QPageSize::Point,
                                 QString(), QPageSize::ExactMatch));
    QCPPainter painter;
    if (!painter.begin(&writer)) {
        setError(error, QStringLiteral("Cannot start drawing the PDF %1").arg(path));
        return false;
    }
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNonCosmetic);
    painter.scale(double(writer.width()) / layout.width(), double(writer.height()) / layout.height());
    plot.toPainter(&painter, layout.width(), layout.height());
    painter.end();
    return commitFile(file, error);
}

}   // namespace

bool openForWriting(QSaveFile& file, QString* error)
{
    if (file.open(QIODevice::WriteOnly))
        return true;
    setError(error, QStringLiteral("Cannot write %1: %2").arg(file.fileName(), file.errorString()));
    return false;
}

bool commitFile(QSaveFile& file, QString* error)
{
    if (file.commit())
        return true;
    setError(error, QStringLiteral("Cannot write %1: %2").arg(file.fileName(), file.errorString()));
    return false;
}

bool writeImage(QCustomPlot& plot, const QString& path, QSize size, double dpi, QString* error)
{
    if (size.width() <= 0 || size.height() <= 0 || !(dpi > 0.0)) {
        setError(error, QStringLiteral("Cannot export %1: the size (%2 x %3) and the dpi (%4) must "
                                       "be positive")
                            .arg(path)
                            .arg(size.width())
                            .arg(size.height())
                            .arg(dpi));
        return false;
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return writePng(plot, path, size, dpi, error);
    if (suffix == QLatin1String("svg"))
        return writeSvg(plot, path, size, dpi, error);
    if (suffix == QLatin1String("pdf"))
        return writePdf(plot, path, size, dpi, error);
    setError(error, QStringLiteral("Cannot export %1: unknown image type \"%2\" (use .png, .svg or "
                                   ".pdf)")
                        .arg(path, suffix));
    return false;
}

bool writeText(const QString& path, const QString& text, QString* error)
{
    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    const QByteArray bytes = text.toUtf8();
    if (file.write(bytes) != bytes.size()) {
        setError(error, QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return commitFile(file, error);
}

QString csvNumber(double value)
{
    if (std::isnan(value))
        return {};
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return QString::fromLatin1(buffer, int(result.ptr - buffer));
}

QString csvRow(const QStringList& fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString& field : fields) {
        if (field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"')) || field.contains(QLatin1Char('\n'))) {
            QString escaped = field;
            escaped.replace(QLatin1String("\""), QLatin1String("\"\""));
            quoted << QLatin1Char('"') + escaped + QLatin1Char('"');
        } else {
            quoted << field;
        }
    }
    return quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
}

}   // namespace minimascope::ui::plotexport
