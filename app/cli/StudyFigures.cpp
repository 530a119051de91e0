// The study window's plots of a study folder, rendered headless for `reproduce`: the same
// StudyPlots the window lays out (its bounds: those of the first drawn run), switched through its
// own combos, so that a figure here is the figure the window exports.
#include "ReproduceCommand.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "study/StudyStore.h"

#include "PlotPanel.h"
#include "study/QuantityAxisPlot.h"
#include "study/StudyDiagram.h"
#include "study/StudyPlots.h"
#include "study/StudyTableModel.h"

#include <QApplication>
#include <QComboBox>
#include <QWidget>

#include <set>
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

} // namespace

std::vector<StudyFigure> writeStudyFigures(const std::string& studyDir, const std::string& outDir)
{
    // 2D plots only: no display needed.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    int argc = 1;
    char name[] = "minimascope-cli";
    char* argv[] = {name, nullptr};
    QApplication app(argc, argv);

    ui::StudyTableModel model;
    model.setRuns(core::StudyStore(core::studyStorePath(studyDir), true).runs());
    QWidget host;
    ui::StudyPlots plots(&host);
    plots.setRuns(model.runs(), QString::fromStdString(studyDir), model.axisKeys());
    std::set<std::string> optimizers;
    for (const core::StudyRunRecord& run : model.runs())
        if (ui::StudyDiagram::isPlotted(run))
            optimizers.insert(run.optimizer);

    core::ensureDirectory(outDir);
    const QSize size(kWidth, kHeight);
    std::vector<StudyFigure> written;
    const auto save = [&](ui::PlotPanel* panel, const std::string& figure, const std::string& caption) {
        panel->resize(size);
        const QString base = QString::fromStdString(outDir + "/" + figure);
        QString error;
        if (!panel->exportImage(base + QStringLiteral(".png"), size, kDpi, &error) ||
            !panel->exportCsv(base + QStringLiteral(".csv"), &error))
            throw core::InputError(error.toStdString());
        written.push_back({figure, caption});
    };
    using Grouping = ui::StudyDiagram::Grouping;
    choose(plots.colorByBox(), int(Grouping::LearningRate));
    save(plots.diagram(), "stability-by-eta", "stability diagram (a, s), colored by η");
    choose(plots.colorByBox(), int(Grouping::BatchSize));
    save(plots.diagram(), "stability-by-batch-size", "stability diagram (a, s), colored by B");
    if (optimizers.size() > 1) {
        choose(plots.colorByBox(), int(Grouping::Optimizer));
        save(plots.diagram(), "stability-by-optimizer", "stability diagram (a, s), colored by optimizer");
    }
    choose(plots.quantityYBox(), int(ui::QuantityAxisPlot::Measure::Sharpness));
    choose(plots.quantityXBox(), QStringLiteral("eta"));
    save(plots.quantityPlot(), "sharpness-vs-eta", "a against η (every optimizer; means of the converged runs)");
    choose(plots.quantityXBox(), QStringLiteral("batch"));
    save(plots.quantityPlot(), "sharpness-vs-batch-size", "a against B (every optimizer; means of the converged runs)");
    return written;
}

} // namespace minimascope::cli
