// The figures of `reproduce`, rendered headless with the desktop application's own panels: the
// study window's StudyPlots (its bounds: those of the first drawn run), switched through its own
// combos, so that a figure here is the figure the window exports; the spectrum panel; and for the
// follow-up landscapes a color map or the 1D slice panel.
#include "Commands.h"
#include "ReproduceCommand.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/StrictJson.h"
#include "landscape/SurfaceExport.h"
#include "study/FollowUp.h"
#include "study/StudyStore.h"
#include "train/RunFolder.h"

#include "CurvesPlot.h"
#include "DirectionText.h"
#include "PlotPanel.h"
#include "SlicePlot.h"
#include "SpectrumPlot.h"
#include "SurfaceMapPlot.h"
#include "study/QuantityAxisPlot.h"
#include "study/StudyDiagram.h"
#include "study/StudyPlots.h"
#include "study/StudyTableModel.h"

#include <QApplication>
#include <QComboBox>
#include <QWidget>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <tuple>
#include <utility>
#include <stdexcept>

namespace minimascope::cli {

namespace {

constexpr int kWidth = 1200, kHeight = 800;   // pixels, as `figures` writes by default
constexpr double kDpi = 96.0;

void choose(QComboBox* box, const QVariant& data)
{
    const int index = box->findData(data);
    if (index < 0)
        throw std::logic_error("the study plots have no choice " + data.toString().toStdString());
    box->setCurrentIndex(index);
}

// The axes' names of a landscape, from its sidecar (PREFIX.json beside PREFIX.vts): what its
// directions were. Plain α and β when the sidecar says nothing known.
std::pair<QString, QString> axisNames(const std::string& vtsPath)
{
    const std::string sidecar = vtsPath.substr(0, vtsPath.size() - 4) + ".json";
    std::string directions, normalization;
    try {
        const nlohmann::json json = core::parseStrictJson(core::readWholeFile(sidecar), sidecar);
        directions = json.value("directions", "");
        if (const auto details = json.find("direction_details"); details != json.end() && details->is_object())
            normalization = details->value("normalization", "");
    } catch (const std::exception&) {
        directions.clear();   // no sidecar, or not ours: plain α and β
    }
    const ui::DirectionText text = ui::directionText(directions, normalization);
    return {text.alpha, text.beta};
}

}   // namespace

struct ReproductionFigures::Impl {
    std::string outDir;
    int argc = 1;
    char name[16] = "minimascope-cli";
    char* argv[2] = {name, nullptr};
    std::unique_ptr<QApplication> app;

    StudyFigure save(ui::PlotPanel& panel, const std::string& figure, const std::string& caption) const
    {
        const QSize size(kWidth, kHeight);
        panel.resize(size);
        const QString base = QString::fromStdString(outDir + "/" + figure);
        QString error;
        if (!panel.exportImage(base + QStringLiteral(".png"), size, kDpi, &error)
            || !panel.exportCsv(base + QStringLiteral(".csv"), &error))
            throw core::InputError(error.toStdString());
        return {figure, caption};
    }
};

ReproductionFigures::ReproductionFigures(std::string outDir) : m_impl(std::make_unique<Impl>())
{
    // 2D plots only: no display needed.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    m_impl->outDir = std::move(outDir);
    m_impl->app = std::make_unique<QApplication>(m_impl->argc, m_impl->argv);
    core::ensureDirectory(m_impl->outDir);
}

ReproductionFigures::~ReproductionFigures() = default;

std::vector<StudyFigure> ReproductionFigures::writeStudy(const std::string& studyDir)
{
    ui::StudyTableModel model;
    model.setRuns(core::StudyStore(core::studyStorePath(studyDir), true).runs());
    QWidget host;
    ui::StudyPlots plots(&host);
    plots.setRuns(model.runs(), QString::fromStdString(studyDir), model.axisKeys());
    std::set<std::string> optimizers;
    for (const core::StudyRunRecord& run : model.runs())
        if (ui::StudyDiagram::isPlotted(run))
            optimizers.insert(run.optimizer);

    std::vector<StudyFigure> written;
    const auto save = [&](ui::PlotPanel* panel, const std::string& figure, const std::string& caption) {
        written.push_back(m_impl->save(*panel, figure, caption));
    };
    using Grouping = ui::StudyDiagram::Grouping;
    // The study window's default axes: log when the runs span a decade or more.
    const std::string axes = plots.diagram()->logAxes() ? ", log axes" : "";
    choose(plots.colorByBox(), int(Grouping::LearningRate));
    save(plots.diagram(), "stability-by-eta", "stability diagram (a, s), colored by η" + axes);
    choose(plots.colorByBox(), int(Grouping::BatchSize));
    save(plots.diagram(), "stability-by-batch-size", "stability diagram (a, s), colored by B" + axes);
    if (optimizers.size() > 1) {
        choose(plots.colorByBox(), int(Grouping::Optimizer));
        save(plots.diagram(), "stability-by-optimizer", "stability diagram (a, s), colored by optimizer" + axes);
    }
    choose(plots.quantityYBox(), int(ui::QuantityAxisPlot::Measure::Sharpness));
    choose(plots.quantityXBox(), QStringLiteral("eta"));
    save(plots.quantityPlot(), "sharpness-vs-eta", "a against η (a line of means of the converged runs per optimizer)");
    choose(plots.quantityXBox(), QStringLiteral("batch"));
    save(plots.quantityPlot(), "sharpness-vs-batch-size",
         "a against B (a line of means of the converged runs per optimizer)");

    // The learning rates of different optimizers are different scales: one plot each.
    if (optimizers.size() > 1) {
        using Measure = ui::QuantityAxisPlot::Measure;
        for (const std::string& optimizer : optimizers) {
            std::vector<core::StudyRunRecord> runs;
            for (const core::StudyRunRecord& run : model.runs())
                if (run.optimizer == optimizer)
                    runs.push_back(run);
            ui::QuantityAxisPlot plot;
            plot.setRuns(runs);
            for (const auto& [measure, file, what] :
                 {std::tuple{Measure::TestAccuracy, "test-accuracy", "test accuracy"},
                  std::tuple{Measure::TrainLoss, "train-loss", "train loss"}}) {
                plot.setChoice(ui::QuantityAxisPlot::XChoice{}, measure);
                plot.setTitle(QString::fromStdString(optimizer) + QStringLiteral(": ")
                              + ui::QuantityAxisPlot::measureName(measure) + QStringLiteral(" against η"));
                save(&plot, std::string(file) + "-vs-eta-" + optimizer,
                     optimizer + ": " + what
                         + " against η (every finished run; hollow: did not reach the loss target)");
            }
        }
    }

    // Runs that measured the gradient norm (schedule.gradient_norm): it and the training loss
    // over training, of the best run of each optimizer (the follow-ups' choice of "best").
    core::RunSelector best;
    if (optimizers.size() > 1)
        best.bestPer = "optimizer.name";
    ui::CurvesPlot gradientNorms, trainLosses;
    for (const core::SelectedRun& selected : core::selectRuns(model.runs(), best)) {
        const core::StudyRunRecord& run = model.runs().at(selected.index);
        std::vector<core::MetricsRow> rows;
        try {
            rows = core::readMetrics(core::readRunFolderInfo(studyDir + "/" + run.folder));
        } catch (const core::InputError& e) {
            // A study resumed from its study.sqlite alone (docs/reproductions.md) keeps the runs'
            // numbers but not their folders: these curves need the folder, the other figures not.
            std::fprintf(stderr, "  no curves over training of run #%lld: %s\n",
                         static_cast<long long>(run.ordinal + 1), e.what());
            continue;
        }
        if (std::none_of(rows.begin(), rows.end(),
                         [](const core::MetricsRow& r) { return std::isfinite(r.gradientNorm); }))
            continue;
        std::vector<double> iterations, norms, losses;
        for (const core::MetricsRow& row : rows) {
            iterations.push_back(static_cast<double>(row.iteration));
            norms.push_back(row.gradientNorm);
            losses.push_back(row.trainLoss);
        }
        char name[96];
        std::snprintf(name, sizeof name, "%s, η = %g (run #%lld)", run.optimizer.c_str(), run.eta,
                      static_cast<long long>(run.ordinal + 1));
        gradientNorms.addCurve(QString::fromUtf8(name), iterations, norms);
        trainLosses.addCurve(QString::fromUtf8(name), iterations, losses);
    }
    if (gradientNorms.curveCount() > 0) {
        const std::string whose = optimizers.size() > 1 ? "each optimizer's best run" : "the best run";
        for (auto& [plot, file, quantity] :
             {std::tuple{&gradientNorms, "gradient-norm", "|∇L(θ)| over the training set"},
              std::tuple{&trainLosses, "train-loss-over-training", "training loss"}}) {
            plot->setTitle(QString::fromUtf8(quantity) + QStringLiteral(" during training"));
            plot->setAxisLabels(QStringLiteral("iteration"), QString::fromUtf8(quantity));
            plot->setLogY(true);
            save(plot, file, std::string(quantity) + " against iteration, at every evaluation of " + whose);
        }
    }
    return written;
}

StudyFigure ReproductionFigures::writeSpectrum(const std::string& name, const std::string& analysisPath,
                                               const std::string& runId, const std::string& title)
{
    ui::SpectrumPlot plot;
    fillSpectrum(analysisPath, runId, plot);
    plot.setTitle(QString::fromStdString(title));
    return m_impl->save(plot, name, title + ": the Hessian's SLQ density and top eigenvalues");
}

std::map<std::string, StudyFigure> ReproductionFigures::writeLandscapes(const std::string& name,
                                                                        const std::map<std::string, Landscape>& byLabel,
                                                                        const std::string& title)
{
    bool curves = true;
    double low = INFINITY, high = 0.0;
    for (const auto& [label, landscape] : byLabel) {
        curves = curves && landscape.grid->ys.size() <= 1;
        ui::widenToPositiveRange(landscape.grid->loss, low, high);
    }
    std::map<std::string, StudyFigure> figures;
    // A curve per run on the slice panel: its legend name and CSV column.
    const auto curveLabels = [&](const std::string& figureTitle, const std::string& first, const std::string& second) {
        ui::SlicePlot::Labels labels;
        labels.title = QString::fromStdString(figureTitle);
        labels.xLabel = axisNames(byLabel.at(first).vtsPath).first;
        labels.yLabel = QStringLiteral("training loss");
        labels.first = QString::fromStdString(byLabel.at(first).legend);
        labels.firstColumn = QStringLiteral("loss_") + QString::fromStdString(first);
        if (!second.empty()) {
            labels.second = QString::fromStdString(byLabel.at(second).legend);
            labels.secondColumn = QStringLiteral("loss_") + QString::fromStdString(second);
        }
        return labels;
    };
    if (curves && byLabel.size() == 2 && byLabel.begin()->second.grid->xs == byLabel.rbegin()->second.grid->xs) {
        // Two runs along the same α grid: one figure, as the papers compare them.
        const auto& [first, firstLandscape] = *byLabel.begin();
        const auto& [second, secondLandscape] = *byLabel.rbegin();
        ui::SlicePlot plot;
        plot.setLabels(curveLabels(title, first, second));
        plot.setSlices(firstLandscape.grid->xs, firstLandscape.grid->loss, secondLandscape.grid->loss);
        plot.resetView();
        const StudyFigure figure = m_impl->save(plot, name,
                                                title + ": the loss along the line at " + byLabel.at(first).legend
                                                    + " and at " + byLabel.at(second).legend);
        figures[first] = figures[second] = figure;
        return figures;
    }
    for (const auto& [label, landscape] : byLabel) {
        const core::LandscapeGrid& grid = *landscape.grid;
        const std::string figureTitle = title + ": " + landscape.legend;
        if (grid.ys.size() <= 1) {
            ui::SlicePlot plot;
            plot.setLabels(curveLabels(figureTitle, label, ""));
            plot.setSlices(grid.xs, grid.loss, {});
            plot.resetView();
            figures[label] = m_impl->save(plot, name + "-" + label, figureTitle + ": the loss along the line");
            continue;
        }
        ui::SurfaceMapPlot plot;
        plot.setTitle(QString::fromStdString(figureTitle));
        const auto [alphaName, betaName] = axisNames(landscape.vtsPath);
        plot.setAxisLabels(alphaName, betaName);
        plot.setColorRange(low, high);
        plot.setSurface(grid.xs, grid.ys, grid.loss);
        plot.resetView();
        figures[label] = m_impl->save(plot, name + "-" + label,
                                      figureTitle + ": the loss over the plane, seen from above (log color scale"
                                          + (byLabel.size() > 1 ? ", shared by the follow-up's runs)" : ")"));
    }
    return figures;
}

}   // namespace minimascope::cli
