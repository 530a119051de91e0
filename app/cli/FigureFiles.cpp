#include "FigureFiles.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/StrictJson.h"

#include "PlotPanel.h"

#include <nlohmann/json.hpp>

#include <limits>

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

ui::SnapshotSpectrum readAnalysisSpectrum(const std::string& path, const std::string& runId)
{
    try {
        const nlohmann::json analysis = core::parseStrictJson(core::readWholeFile(path), path);
        if (analysis.value("run_id", "") != runId)
            throw core::InputError(path + ": this analysis is of another run than " + runId
                                   + " (files of two runs are mixed in this folder)");
        ui::SnapshotSpectrum spectrum;
        spectrum.iteration = analysis.contains("iteration") ? core::numberFromJson(analysis, "iteration")
                                                            : std::numeric_limits<double>::quiet_NaN();
        if (const auto density = analysis.find("density"); density != analysis.end()) {
            spectrum.grid = density->at("grid").get<std::vector<double>>();
            spectrum.density = density->at("density").get<std::vector<double>>();
        }
        if (const auto eigen = analysis.find("top_eigenvalues"); eigen != analysis.end())
            for (const nlohmann::json& value : *eigen)
                spectrum.topEigenvalues.push_back(core::numberFromJson(value, "value"));
        return spectrum;
    } catch (const nlohmann::json::exception& e) {
        throw core::InputError(path + ": not an analysis report (" + e.what() + ")");
    }
}

}   // namespace minimascope::cli
