// minimascope-cli figures --overlay: several run folders on one figure each. The same 1D
// landscape of every run (Im, Tao & Branson's re-runs from different initializations, with and
// without BatchNorm) and every run's Hessian spectral density (Ghorbani, Krishnan & Xiao's
// comparison with and without BatchNorm), drawn by ui/plots (RunOverlay.h, SpectraOverTraining.h).
#include "Commands.h"
#include "FigureFiles.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "landscape/WeightScaling.h"

#include "CurvesPlot.h"
#include "RunOverlay.h"
#include "SpectraOverTraining.h"
#include "controllers/RunComparison.h"

#include <cmath>
#include <cstdio>
#include <list>

namespace minimascope::cli {

namespace {

std::string iterationText(double iteration)
{
    return std::isnan(iteration) ? std::string("analysis.json")
                                 : "iteration " + std::to_string(static_cast<long long>(iteration));
}

}   // namespace

int runOverlayFigures(const FiguresArguments& options)
{
    const std::vector<std::string>& dirs = options.overlayDirs;
    std::vector<QString> labels;
    for (size_t k = 0; k < dirs.size(); ++k)
        labels.push_back(
            QString::fromStdString(options.labels.empty() ? ui::runFolderName(dirs[k]) : options.labels[k]));
    const QStringList formats = parseFigureFormats(options.formats);

    // Read everything before anything is drawn or written: a missing file should cost nothing.
    std::vector<std::vector<ui::RunCurve>> curves;   // [curve][run]
    for (const std::string& name : options.curves) {
        curves.emplace_back();
        for (size_t k = 0; k < dirs.size(); ++k)
            curves.back().push_back(ui::readRunCurve(dirs[k], name, labels[k]));
    }
    std::vector<ui::RunSpectrum> spectra;
    if (options.spectra)
        for (size_t k = 0; k < dirs.size(); ++k)
            spectra.push_back({labels[k], ui::readRunSpectrum(dirs[k], options.spectraAt)});
    core::ensureDirectory(options.outDir);

    const FiguresApplication app;
    std::list<ui::CurvesPlot> plots;   // stable addresses for the figure list
    std::vector<Figure> figures;
    std::printf("%zu runs on one figure each -> %s\n", dirs.size(), options.outDir.c_str());
    for (size_t c = 0; c < curves.size(); ++c) {
        ui::fillRunCurves(curves[c], plots.emplace_back());
        figures.push_back({QString::fromStdString(options.curves[c]), &plots.back()});
        std::printf("  %s:\n", options.curves[c].c_str());
        for (const ui::RunCurve& curve : curves[c]) {
            const size_t lowest = core::lowestPoint(curve.losses);
            if (lowest < curve.losses.size())
                std::printf("    %-16s lowest loss %.6g at alpha = %.4g\n", qPrintable(curve.label),
                            curve.losses[lowest], curve.alphas[lowest]);
        }
    }
    if (options.spectra) {
        if (!ui::fillSpectraOfRuns(spectra, plots.emplace_back()))
            throw core::InputError("--spectra: none of the runs' analyses has a density (analyze with --quantities "
                                   "...,density)");
        figures.push_back({QStringLiteral("spectra"), &plots.back()});
        std::printf("  spectra:\n");
        for (const ui::RunSpectrum& run : spectra) {
            std::printf("    %-16s %s, top eigenvalues", qPrintable(run.label),
                        iterationText(run.spectrum.iteration).c_str());
            for (double value : run.spectrum.topEigenvalues)
                std::printf(" %.6g", value);
            std::printf("%s\n", run.spectrum.density.empty() ? " (no density)" : "");
        }
    }
    writeFigures(figures, options.outDir, formats, QSize(options.width, options.height), options.dpi);
    return kSuccess;
}

}   // namespace minimascope::cli
