// minimascope-cli figures: the desktop application's plots of a finished run, rendered headless.
// The 2D plots use Qt's offscreen platform (no display needed); the 3D surface needs an X
// server, because Debian's VTK renders through X11 only, so without one the command still
// writes the 2D figures and then says what is missing.
#include "Commands.h"
#include "FigureFiles.h"

#include "analysis/CurvatureLog.h"
#include "analysis/LinearStability.h"
#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "landscape/SurfaceExport.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"

#include "CurvesPlot.h"
#include "FigureSheet.h"
#include "GradientNormPlot.h"
#include "LossPlot.h"
#include "OffscreenSurfaceRenderer.h"
#include "SharpnessPlot.h"
#include "SpectraOverTraining.h"
#include "SpectrumPlot.h"
#include "StabilityDiagram.h"
#include "XServerProbe.h"
#include "controllers/SpectraFolder.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

namespace minimascope::cli {

void fillSpectrum(const std::string& path, const std::string& runId, ui::SpectrumPlot& plot)
{
    const ui::SnapshotSpectrum spectrum = ui::readAnalysisSpectrum(path, runId);
    if (!spectrum.grid.empty() || !spectrum.density.empty())
        plot.setDensity(spectrum.grid, spectrum.density);
    plot.setTopEigenvalues(spectrum.topEigenvalues);
}

namespace {

ui::SurfaceData surfaceData(const core::LandscapeGrid& grid)
{
    ui::SurfaceData data;
    data.xs = grid.xs;
    data.ys = grid.ys;
    data.values = grid.loss;
    return data;
}

}   // namespace

int runFigures(const CliArguments& args)
{
    const FiguresArguments& options = args.figures;
    if (!options.overlayDirs.empty())
        return runOverlayFigures(options);
    const std::string& run = options.runDir;
    const core::RunFolderInfo runFolder = core::readRunFolderInfo(run);
    const core::RunConfig config = core::readRunConfig(runFolder);
    const std::vector<core::MetricsRow> metrics = core::readMetrics(runFolder);
    const std::vector<core::CurvatureSample> curvature = core::readCurvatureLog(runFolder);
    if (!runFolder.complete())
        std::fprintf(stderr,
                     "%s is an incomplete run (still training, or killed): the figures show what it "
                     "streamed so far\n",
                     run.c_str());
    // The bounds need the number of examples the run trained on (a class filter makes it
    // smaller than the config's dataset.n).
    const int64_t n = runFolder.examples;
    // Read the surface before any figure is written: a bad file should cost nothing.
    const bool wantSurface = !options.surfacePath.empty();
    const core::LandscapeGrid grid = wantSurface ? core::readSurfaceVts(options.surfacePath) : core::LandscapeGrid{};
    const std::string outDir = options.outDir.empty() ? run + "/figures" : options.outDir;
    core::ensureDirectory(outDir);

    const QStringList formats = parseFigureFormats(options.formats);

    // The 3D view needs the X platform; everything else renders offscreen, display or not.
    QString noX;
    const bool render3d = wantSurface && ui::xServerAvailable(&noX);
    const FiguresApplication app(/*offscreen=*/!render3d);

    const double eta = config.optimizer.lr;
    const int64_t batch = config.effectiveBatchSize(n);
    ui::LossPlot loss;
    for (const core::MetricsRow& row : metrics)
        loss.appendEvaluation(double(row.iteration), row.trainLoss, row.testLoss, row.trainAccuracy, row.testAccuracy);
    ui::SharpnessPlot sharpness;
    sharpness.setLearningRate(eta);
    ui::StabilityDiagram stability;
    stability.setBounds(eta, batch, n, core::batchDrawOf(config.optimizer));
    for (const core::CurvatureSample& sample : curvature) {
        sharpness.appendSharpness(double(sample.iteration), sample.sharpness);
        stability.appendMeasurement(sample.sharpness, sample.nonUniformity);
    }
    // The gradient norm over training, when the run measured it (schedule.gradient_norm).
    ui::CurvesPlot gradientNorm;
    std::vector<double> iterations, norms;
    for (const core::MetricsRow& row : metrics) {
        iterations.push_back(double(row.iteration));
        norms.push_back(row.gradientNorm);
    }
    const bool hasGradientNorm = ui::fillGradientNorm(iterations, norms, gradientNorm);
    ui::SpectrumPlot spectrum;
    // The spectrum of the run's analysis.json ('analyze --quantities density'), when there is one.
    if (const std::string analysis = run + "/analysis.json"; std::filesystem::exists(analysis))
        fillSpectrum(analysis, runFolder.runId, spectrum);

    const QSize size(options.width, options.height);
    std::vector<Figure> figures{{QStringLiteral("loss"), &loss},
                                {QStringLiteral("sharpness"), &sharpness},
                                {QStringLiteral("stability"), &stability},
                                {QStringLiteral("spectrum"), &spectrum}};
    if (hasGradientNorm)
        figures.push_back({QStringLiteral("gradient-norm"), &gradientNorm});
    ui::CurvesPlot spectraOverTraining, topEigenvaluesOverTraining;
    // The spectra through training that 'analyze --snapshots' wrote into RUN/spectra, when there are any.
    if (ui::fillSpectraOverTraining(ui::readSpectraFolder(run, runFolder.runId), spectraOverTraining,
                                    topEigenvaluesOverTraining)) {
        figures.push_back({QStringLiteral("spectra-over-training"), &spectraOverTraining});
        figures.push_back({QStringLiteral("top-eigenvalues-over-training"), &topEigenvaluesOverTraining});
    }
    writeFigures(figures, outDir, formats, size, options.dpi);
    const QString base = QString::fromStdString(outDir) + QLatin1Char('/');
    QString error;
    const auto check = [&error](bool ok) {
        if (!ok)
            throw core::InputError(error.toStdString());
    };
    check(ui::exportFigureSheet({&loss, &sharpness, &stability, &spectrum}, base + QStringLiteral("figure-sheet.pdf"),
                                &error));
    std::printf("figures of %s (%zu evaluations, %zu curvature samples) -> %s\n", run.c_str(), metrics.size(),
                curvature.size(), outDir.c_str());
    std::printf("  stability bounds for eta = %g, B = %lld of n = %lld drawn %s: a <= %.10g, s <= %.10g\n", eta,
                static_cast<long long>(batch), static_cast<long long>(n), core::toString(stability.batchDraw()),
                stability.sharpnessBound(), stability.nonUniformityBound());
    if (curvature.empty())
        std::printf(
            "  no curvature.json: train with --track-every K to plot the sharpness and the stability diagram\n");

    if (!wantSurface)
        return kSuccess;
    if (!render3d) {
        std::fprintf(stderr,
                     "minimascope-cli: the 2D figures are written, but the 3D surface is not: "
                     "3D rendering needs an X server (run under xvfb-run): %s\n",
                     qPrintable(noX));
        return kBadInput;
    }
    const QImage image = ui::renderSurfaceOffscreen(surfaceData(grid), size, ui::ColorScale::Log, &error);
    if (image.isNull())
        throw core::InputError(error.toStdString());
    const QString surfacePath = base + QStringLiteral("surface.png");
    if (!image.save(surfacePath))
        throw core::InputError(surfacePath.toStdString() + ": cannot write the 3D image");
    std::printf("  3D surface -> %s\n", qPrintable(surfacePath));
    return kSuccess;
}

}   // namespace minimascope::cli
