// The study window (ui/study/): its table, filters and linked plots over a study store, and the
// worker that runs a study through minimascope-cli child processes.
//  - tableFilterAndPlots: a store written directly (StudyStore::addPoints/recordResult) with known
//    numbers: converged, not-converged, diverged (with a finite a and s, so that drawing it would
//    show), failed, running and to-do runs. Rows, values, the state and text filters, sorting,
//    the diagram's filled/hollow/absent points, grouping by B and by optimizer, the bounds of the
//    selected run, the quantity-against-axis means.
//  - runPauseResumeAndOverlay: a real study of 6 escape-toy runs started paused (nothing runs),
//    resumed to the end; the table matches the store; selecting rows overlays one loss and one
//    sharpness curve per run, read from the run folders; the main window opens the study and a
//    double-clicked run.
//  - watchAStudyTheCliWrites: `minimascope-cli study run` in another process, the window watching
//    the folder read-only: the rows fill in and the selection survives the refreshes.
//  - stopRequeuesRunsInFlight: Stop ends endless runs promptly and puts them back to "to do".
#include "LossPlot.h"
#include "MainWindow.h"
#include "study/NewStudyDialog.h"
#include "study/QuantityAxisPlot.h"
#include "study/RunCurvesPlot.h"
#include "study/StudyConfig.h"
#include "study/StudyDiagram.h"
#include "study/StudyFilterModel.h"
#include "study/StudyPlots.h"
#include "study/StudyStore.h"
#include "study/StudyTableModel.h"
#include "study/StudyTablePane.h"
#include "study/StudyWindow.h"
#include "study/StudyWorker.h"

#include "QCustomPlotInclude.h"
#include "support/TestSuite.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>

using namespace minimascope;
using namespace minimascope::ui;

namespace {

// Ample for 6 escape-toy runs of a few hundred steps on a busy 2-core machine.
constexpr int kStudyTimeoutMs = 120000;
// Stop: the runner polls its cancel flag every 50 ms, then SIGTERMs its children, which stop
// within a training step; from Stop to the runner's return measured 60 ms here, bounded with room
// for a loaded machine.
constexpr qint64 kStopBoundMs = 1000;

core::StudyConfig parseStudy(const std::string& text)
{
    return core::parseStudyConfig(nlohmann::json::parse(text), "test study");
}

// A finished run's record, as recordResult takes it.
core::StudyRunRecord result(const core::StudyPoint& point, core::StudyRunState state, bool converged, double a,
                            double s, double testAccuracy, double trainLoss)
{
    core::StudyRunRecord r;
    r.key = point.key;
    r.state = state;
    r.converged = converged;
    r.stopReason = state == core::StudyRunState::Diverged ? "loss above 1e+06"
                   : converged                            ? "loss_below"
                                                          : "max_iterations";
    r.eta = point.config.optimizer.lr;
    r.batchSize = point.config.optimizer.batchSize;
    r.optimizer = point.config.optimizer.name;
    r.seed = int64_t(point.config.seed);
    r.examples = 100;
    r.trainLoss = trainLoss;
    r.testAccuracy = testAccuracy;
    r.trainAccuracy = r.testLoss = r.lambdaMin = std::nan("");
    r.iterations = 500;
    r.seconds = 1.0;
    r.sharpness = a;
    r.nonUniformity = s;
    r.stability = converged ? "stable" : "";
    r.sharpnessBound = 2.0 / r.eta;
    r.nonUniformityBound = std::nan("");
    r.folder = "runs/" + point.key;
    return r;
}

int totalCount(const QList<StudyDiagram::Group>& groups, bool filled)
{
    int n = 0;
    for (const StudyDiagram::Group& g : groups)
        n += (filled ? g.filled : g.hollow)->dataCount();
    return n;
}

bool graphHasPoint(const QCPGraph* graph, double x, double y)
{
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        if (it->key == x && it->value == y)
            return true;
    return false;
}

QString cliPath() { return QStringLiteral(MINIMASCOPE_CLI); }

void writeFile(const QString& path, const QString& text)
{
    std::ofstream out(path.toStdString());
    out << text.toStdString();
}

// The escape toy: x0 = 0.99 next to the minimum x = 1. Six quick runs, two of which stop at
// their 60-step cap with loss_below 0 unreachable: not converged.
QString quickStudyFile(const QString& name)
{
    return QStringLiteral(R"({"name": "%1", "base": "escape-toy-sgd",
        "grid": {"optimizer.name": ["gd", "sgd"], "optimizer.lr": [0.3, 0.5]},
        "runs": [{"optimizer.lr": 0.4, "stop.loss_below": 0, "stop.max_iterations": 60},
                 {"optimizer.lr": 0.6, "stop.loss_below": 0, "stop.max_iterations": 60}]})")
        .arg(name);
}

// The store's runs; none while its writer is still creating it.
std::vector<core::StudyRunRecord> storeRuns(const QString& dir)
{
    try {
        const core::StudyStore store(core::studyStorePath(dir.toStdString()), true);
        return store.runs();
    } catch (const std::exception&) {
        return {};
    }
}

int countState(const std::vector<core::StudyRunRecord>& runs, core::StudyRunState state)
{
    int n = 0;
    for (const core::StudyRunRecord& r : runs)
        n += r.state == state;
    return n;
}

void selectRows(QTableView* table, const QList<int>& proxyRows)
{
    QItemSelection selection;
    for (int row : proxyRows) {
        const QModelIndex index = table->model()->index(row, 0);
        selection.select(index, index.siblingAtColumn(table->model()->columnCount() - 1));
    }
    table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

}   // namespace

class TestStudyWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tableFilterAndPlots();
    void meansPerOptimizerAndLogDiagram();
    void runPauseResumeAndOverlay();
    void watchAStudyTheCliWrites();
    void stopRequeuesRunsInFlight();
    void newStudyFormValidatesAndWrites();
};

void TestStudyWindow::initTestCase() { QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath())); }

void TestStudyWindow::tableFilterAndPlots()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // 3 learning rates x 2 batch sizes (the escape toy has n = 2 examples; the records say n = 100).
    const core::StudyConfig study = parseStudy(R"({"name": "synthetic", "base": "escape-toy-sgd",
        "grid": {"optimizer.lr": [0.1, 0.2, 0.4], "optimizer.batch_size": [1, 2]}})");
    QCOMPARE(int(study.points.size()), 6);
    std::map<std::pair<double, int64_t>, const core::StudyPoint*> point;
    for (const core::StudyPoint& p : study.points)
        point[{p.config.optimizer.lr, p.config.optimizer.batchSize}] = &p;
    {
        core::StudyStore store(core::studyStorePath(dir.path().toStdString()), false);
        store.setStudy(study.name, "", study.document.dump());
        store.addPoints(study.points);
        using S = core::StudyRunState;
        store.recordResult(result(*point[{0.1, 1}], S::Done, true, 3.0, 1.5, 0.90, 1e-4));
        store.recordResult(result(*point[{0.1, 2}], S::Done, true, 5.0, 2.5, 0.80, 2e-4));
        store.recordResult(result(*point[{0.2, 1}], S::Done, false, 7.0, 9.0, 0.70, 0.07));
        store.recordResult(result(*point[{0.2, 2}], S::Diverged, false, 50.0, 60.0, 0.10, 1e7));
        store.recordResult(
            result(*point[{0.4, 1}], S::Failed, false, std::nan(""), std::nan(""), std::nan(""), std::nan("")));
        store.markRunning(point[{0.4, 2}]->key, "runs/" + point[{0.4, 2}]->key);
    }

    StudyWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QString error;
    QVERIFY2(window.openStudy(dir.path(), &error), qPrintable(error));
    StudyTableModel* model = window.model();
    StudyFilterModel* filter = window.filterModel();

    // One row per run, with the store's values.
    QCOMPARE(model->rowCount(), 6);
    QCOMPARE(model->axisKeys(), (QStringList{QStringLiteral("optimizer.batch_size"), QStringLiteral("optimizer.lr")}));
    const int aColumn = model->column(StudyTableModel::Column::Sharpness);
    const int sColumn = model->column(StudyTableModel::Column::NonUniformity);
    const int stateColumn = model->column(StudyTableModel::Column::State);
    const int reasonColumn = model->column(StudyTableModel::Column::StopReason);
    const int etaColumn = model->column(StudyTableModel::Column::Eta);
    const int lrColumn = model->column(StudyTableModel::Column::Axis, QStringLiteral("optimizer.lr"));
    QCOMPARE(lrColumn, 3);
    QCOMPARE(model->headerData(aColumn, Qt::Horizontal).toString(), QStringLiteral("a"));
    std::map<std::string, int> rowOf;
    for (int row = 0; row < model->rowCount(); ++row)
        rowOf[model->run(row).key] = row;
    const auto cell = [&](double lr, int64_t b, int column) {
        return model->index(rowOf[point[{lr, b}]->key], column).data().toString();
    };
    QCOMPARE(cell(0.1, 2, aColumn), QStringLiteral("5"));
    QCOMPARE(cell(0.1, 2, sColumn), QStringLiteral("2.5"));
    QCOMPARE(cell(0.1, 2, etaColumn), QStringLiteral("0.1"));
    QCOMPARE(cell(0.1, 2, lrColumn), QStringLiteral("0.1"));
    QCOMPARE(cell(0.1, 2, model->column(StudyTableModel::Column::TestAccuracy)), QStringLiteral("0.8"));
    QCOMPARE(cell(0.1, 1, reasonColumn), QStringLiteral("loss_below"));
    QCOMPARE(cell(0.2, 1, reasonColumn), QStringLiteral("not converged (max_iterations)"));
    QCOMPARE(cell(0.2, 2, stateColumn), QStringLiteral("diverged"));
    QCOMPARE(cell(0.4, 1, stateColumn), QStringLiteral("failed"));
    QCOMPARE(cell(0.4, 1, aColumn), QString());   // not measured: blank, not "nan"
    QCOMPARE(cell(0.4, 2, stateColumn), QStringLiteral("running"));
    // The store has no B for a run that has not ended: the table shows its config's.
    QCOMPARE(model->run(rowOf[point[{0.4, 2}]->key]).batchSize, int64_t(2));
    QCOMPARE(cell(0.4, 2, model->column(StudyTableModel::Column::BatchSize)), QStringLiteral("2"));

    // State filter through the combo, and the text filter over the axes.
    QComboBox* states = window.stateFilterBox();
    const std::map<QString, int> expected{{QStringLiteral("all states"), 6}, {QStringLiteral("done"), 3},
                                          {QStringLiteral("running"), 1},    {QStringLiteral("to do"), 0},
                                          {QStringLiteral("failed"), 1},     {QStringLiteral("diverged"), 1}};
    for (const auto& [name, rows] : expected) {
        states->setCurrentIndex(states->findText(name));
        QCOMPARE(states->currentText(), name);
        QCOMPARE(filter->rowCount(), rows);
    }
    states->setCurrentIndex(states->findText(QStringLiteral("done")));
    window.axesFilterEdit()->setText(QStringLiteral("batch_size=2"));
    QCOMPARE(filter->rowCount(), 1);   // done and B = 2: the (0.1, 2) run
    QCOMPARE(filter->index(0, aColumn).data().toString(), QStringLiteral("5"));
    window.axesFilterEdit()->clear();
    states->setCurrentIndex(0);
    QCOMPARE(filter->rowCount(), 6);

    // Sorting on a: numbers as numbers, blanks (not measured) first.
    window.table()->sortByColumn(aColumn, Qt::DescendingOrder);
    QCOMPARE(filter->index(0, aColumn).data().toString(), QStringLiteral("50"));
    QCOMPARE(filter->index(1, aColumn).data().toString(), QStringLiteral("7"));
    QCOMPARE(filter->index(2, aColumn).data().toString(), QStringLiteral("5"));

    // The diagram: converged runs filled, the not-converged one hollow, the diverged one absent.
    // a spans 3 to 7 and s 1.5 to 9: linear axes.
    StudyDiagram* diagram = window.plots()->diagram();
    QVERIFY(!diagram->logAxes());
    QVERIFY(!window.plots()->logDiagramBox()->isChecked());
    QCOMPARE(diagram->grouping(), StudyDiagram::Grouping::LearningRate);
    QCOMPARE(totalCount(diagram->groups(), true), 2);
    QCOMPARE(totalCount(diagram->groups(), false), 1);
    QCOMPARE(diagram->groups().size(), 2);   // η = 0.1 (two filled) and η = 0.2 (one hollow)
    QCOMPARE(diagram->groups()[0].label, QStringLiteral("η = 0.1"));
    QCOMPARE(diagram->groups()[0].filled->dataCount(), 2);
    QCOMPARE(diagram->groups()[1].hollow->dataCount(), 1);
    QVERIFY(graphHasPoint(diagram->groups()[1].hollow, 7.0, 9.0));
    QVERIFY(diagram->customPlot()->legend->hasItemWithPlottable(diagram->notConvergedEntry()));
    for (int i = 0; i < diagram->customPlot()->graphCount(); ++i)
        QVERIFY(!graphHasPoint(diagram->customPlot()->graph(i), 50.0, 60.0));
    QCOMPARE(diagram->groups()[1].hollow->scatterStyle().brush().style(), Qt::NoBrush);
    QVERIFY(diagram->groups()[0].filled->scatterStyle().brush().style() != Qt::NoBrush);

    // Color by B through the combo: groups B = 1 (3 and the hollow 7) and B = 2 (5).
    QComboBox* colorBy = window.plots()->colorByBox();
    colorBy->setCurrentIndex(colorBy->findText(QStringLiteral("Color by B")));
    QCOMPARE(diagram->grouping(), StudyDiagram::Grouping::BatchSize);
    QCOMPARE(diagram->groups().size(), 2);
    QCOMPARE(diagram->groups()[0].label, QStringLiteral("B = 1"));
    QCOMPARE(diagram->groups()[0].filled->dataCount(), 1);
    QCOMPARE(diagram->groups()[0].hollow->dataCount(), 1);
    QVERIFY(graphHasPoint(diagram->groups()[0].filled, 3.0, 1.5));
    QCOMPARE(diagram->groups()[1].label, QStringLiteral("B = 2"));
    QVERIFY(graphHasPoint(diagram->groups()[1].filled, 5.0, 2.5));
    colorBy->setCurrentIndex(colorBy->findText(QStringLiteral("Color by optimizer")));
    QCOMPARE(diagram->groups().size(), 1);
    QCOMPARE(diagram->groups()[0].label, QStringLiteral("sgd"));

    // Bounds: the first drawn run's without a selection, the selected run's with one.
    QCOMPARE(diagram->sharpnessBound(), 2.0 / 0.1);
    window.table()->sortByColumn(0, Qt::AscendingOrder);
    const int row02 = filter->mapFromSource(model->index(rowOf[point[{0.2, 1}]->key], 0)).row();
    selectRows(window.table(), {row02});
    QCOMPARE(diagram->sharpnessBound(), 2.0 / 0.2);
    QCOMPARE(diagram->nonUniformityBound(), std::sqrt(1.0 * 99.0 / 99.0) / 0.2);   // B = 1 of n = 100
    QCOMPARE(diagram->highlightGraph()->dataCount(), 1);
    QVERIFY(graphHasPoint(diagram->highlightGraph(), 7.0, 9.0));

    // Quantity against an axis: a against optimizer.lr, the mean over the converged runs of each
    // lr (the run at lr 0.2 stopped at its iteration cap: drawn hollow, in no mean).
    QuantityAxisPlot* quantity = window.plots()->quantityPlot();
    QComboBox* x = window.plots()->quantityXBox();
    QComboBox* y = window.plots()->quantityYBox();
    x->setCurrentIndex(x->findText(QStringLiteral("optimizer.lr")));
    y->setCurrentIndex(y->findText(QStringLiteral("sharpness a")));
    // One optimizer (sgd): one line of means, of every run.
    QCOMPARE(quantity->meanLines().size(), size_t(1));
    QVERIFY(quantity->meanLines()[0].optimizer.isEmpty());
    QCPGraph* means = quantity->meanLines()[0].graph;
    QCOMPARE(means->dataCount(), 1);   // lr 0.1: (3 + 5) / 2
    QVERIFY(graphHasPoint(means, 0.1, (3.0 + 5.0) / 2.0));
    QVERIFY(!graphHasPoint(means, 0.2, 7.0));
    QCOMPARE(quantity->runGraph()->dataCount() + quantity->notConvergedGraph()->dataCount(), 3);
    // The selected run (0.2, 1) is ringed here too; a click on a point selects its row.
    QCOMPARE(quantity->highlightGraph()->dataCount(), 1);
    QVERIFY(graphHasPoint(quantity->highlightGraph(), 0.2, 7.0));
    Q_EMIT quantity->customPlot()->plottableClick(quantity->runGraph(), 1, nullptr);   // (0.1, 5)
    QCOMPARE(window.tablePane()->selectedRuns(), (std::vector<int>{rowOf[point[{0.1, 2}]->key]}));
    QCOMPARE(diagram->sharpnessBound(), 2.0 / 0.1);
    Q_EMIT diagram->customPlot()->plottableClick(diagram->groups()[0].filled, 0, nullptr);   // sgd: (3, 1.5)
    QCOMPARE(window.tablePane()->selectedRuns(), (std::vector<int>{rowOf[point[{0.1, 1}]->key]}));
    selectRows(window.table(), {row02});
    // Test accuracy against B: 0.9 at B = 1 (0.7 did not converge), 0.8 at B = 2.
    x->setCurrentIndex(x->findText(QStringLiteral("B")));
    y->setCurrentIndex(y->findText(QStringLiteral("test accuracy")));
    means = quantity->meanLines()[0].graph;
    QCOMPARE(means->dataCount(), 2);
    QVERIFY(graphHasPoint(means, 1.0, 0.90));
    QVERIFY(graphHasPoint(means, 2.0, 0.80));
    // Against a measure (test accuracy against a) there are no means, only the runs.
    x->setCurrentIndex(x->findText(QStringLiteral("sharpness a")));
    QVERIFY(quantity->meanLines().empty());
    QCOMPARE(quantity->runGraph()->dataCount(), 2);
    QVERIFY(graphHasPoint(quantity->runGraph(), 3.0, 0.90));
    QVERIFY(quantity->toCsv().contains(QStringLiteral("run,7,0.7,1")));

    // Exports work like every other plot.
    const QString png = dir.filePath(QStringLiteral("diagram.png"));
    QVERIFY2(diagram->exportImage(png, QSize(800, 600), 96, &error), qPrintable(error));
    QVERIFY(QImage(png).width() == 800);
    QVERIFY(diagram->toCsv().contains(QStringLiteral(",7,9,false")));
}

void TestStudyWindow::meansPerOptimizerAndLogDiagram()
{
    // Two optimizers sharing η = 0.05 (as reproduction 2's SGD and AdaGrad do) with a from 0.04
    // to 190: a line of means per optimizer, not one mean over both; log axes suggested.
    const auto run = [](const char* optimizer, double eta, double a, double s, bool converged) {
        core::StudyRunRecord r;
        r.state = core::StudyRunState::Done;
        r.optimizer = optimizer;
        r.eta = eta;
        r.batchSize = 10;
        r.sharpness = a;
        r.nonUniformity = s;
        r.converged = converged;
        r.axesJson = "{}";
        return r;
    };
    const std::vector<core::StudyRunRecord> runs{
        run("sgd", 0.05, 0.04, 0.3, true),     run("sgd", 0.05, 0.06, 0.5, true),
        run("sgd", 0.1, 0.02, 0.2, true),      run("adagrad", 0.05, 2.0, 4.0, true),
        run("adagrad", 0.05, 4.0, 8.0, false), run("adagrad", 0.2, 190.0, 300.0, true)};
    QuantityAxisPlot quantity;
    quantity.setRuns(runs);
    quantity.setChoice(QuantityAxisPlot::XChoice{}, QuantityAxisPlot::Measure::Sharpness);   // a against η
    const std::vector<QuantityAxisPlot::MeanLine>& lines = quantity.meanLines();
    QCOMPARE(lines.size(), size_t(2));   // alphabetical: adagrad, sgd
    QCOMPARE(lines[0].optimizer, QStringLiteral("adagrad"));
    QCOMPARE(lines[0].graph->name(), QStringLiteral("mean: adagrad"));
    QCOMPARE(lines[0].graph->dataCount(), 2);
    QVERIFY(graphHasPoint(lines[0].graph, 0.05, 2.0));   // the run at 4 did not converge
    QVERIFY(graphHasPoint(lines[0].graph, 0.2, 190.0));
    QCOMPARE(lines[0].runs, (std::vector<int>{1, 1}));
    QCOMPARE(lines[1].optimizer, QStringLiteral("sgd"));
    QCOMPARE(lines[1].graph->dataCount(), 2);
    QVERIFY(graphHasPoint(lines[1].graph, 0.05, (0.04 + 0.06) / 2.0));
    QVERIFY(graphHasPoint(lines[1].graph, 0.1, 0.02));
    QCOMPARE(lines[1].runs, (std::vector<int>{2, 1}));
    QVERIFY(lines[0].graph->pen().color() != lines[1].graph->pen().color());
    // a spans 0.02 to 190: a log y axis; η spans 0.05 to 0.2 (a factor of 4): linear.
    QCOMPARE(quantity.customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(quantity.customPlot()->xAxis->scaleType(), QCPAxis::stLinear);
    QVERIFY(quantity.toCsv().contains(QStringLiteral("mean,0.05,0.05,2,sgd\n")));
    QVERIFY(quantity.toCsv().contains(QStringLiteral("mean,0.05,2,1,adagrad\n")));
    QVERIFY(quantity.toCsv().contains(QStringLiteral("run,0.05,4,1,adagrad\n")));
    // One optimizer left: one unnamed line over its runs.
    quantity.setRuns({runs[0], runs[1], runs[2]});
    QCOMPARE(quantity.meanLines().size(), size_t(1));
    QCOMPARE(quantity.meanLines()[0].graph->name(), QStringLiteral("mean"));
    QVERIFY(quantity.meanLines()[0].optimizer.isEmpty());
    QCOMPARE(quantity.customPlot()->yAxis->scaleType(), QCPAxis::stLinear);   // 0.02 to 0.06

    // The diagram: a spans 0.02 to 190, so log axes are suggested; SGD alone spans 0.02 to
    // 0.06 in a and 0.2 to 0.5 in s (under a factor of 10): linear.
    QVERIFY(StudyDiagram::suggestsLogAxes(runs));
    QVERIFY(!StudyDiagram::suggestsLogAxes({runs[0], runs[1], runs[2]}));
}

void TestStudyWindow::runPauseResumeAndOverlay()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("quick.json"));
    writeFile(file, quickStudyFile(QStringLiteral("quick")));
    const QString out = dir.filePath(QStringLiteral("out"));

    StudyWindow window;
    window.setCliExecutable(cliPath());
    window.resize(1400, 900);
    window.show();
    QString error;
    QVERIFY2(window.openStudyFile(file, out, &error), qPrintable(error));
    QCOMPARE(window.model()->rowCount(), 6);   // the points, to do, before anything runs
    QCOMPARE(window.model()->index(0, 1).data().toString(), QStringLiteral("to do"));

    QSignalSpy finished(&window, &StudyWindow::studyFinished);
    QSignalSpy progress(window.worker(), &StudyWorker::progress);
    QVERIFY(window.start());
    window.setPaused(true);   // direct: the runner starts nothing while it is set
    QVERIFY(progress.wait(10000));
    QTest::qWait(1500);
    std::vector<core::StudyRunRecord> runs = storeRuns(out);
    QCOMPARE(int(runs.size()), 6);
    QCOMPARE(countState(runs, core::StudyRunState::ToDo), 6);
    QVERIFY(window.progressText().contains(QStringLiteral("paused")));

    window.setPaused(false);
    QVERIFY(finished.wait(kStudyTimeoutMs));
    QVERIFY(finished.first().at(0).value<core::RunStatus>() == core::RunStatus::Finished);
    window.refresh();
    runs = storeRuns(out);
    QCOMPARE(countState(runs, core::StudyRunState::ToDo) + countState(runs, core::StudyRunState::Running), 0);
    QCOMPARE(countState(runs, core::StudyRunState::Failed), 0);

    // The table shows the store.
    StudyTableModel* model = window.model();
    QCOMPARE(model->rowCount(), 6);
    for (int row = 0; row < 6; ++row) {
        const core::StudyRunRecord& r = runs[size_t(row)];
        QCOMPARE(model->run(row).key, r.key);
        QCOMPARE(model->index(row, model->column(StudyTableModel::Column::Sharpness)).data().toString(),
                 StudyTableModel::formatNumber(r.state == core::StudyRunState::Done ? r.sharpness : std::nan("")));
        QCOMPARE(model->index(row, model->column(StudyTableModel::Column::State)).data().toString(),
                 StudyTableModel::stateName(r.state));
    }

    // The diagram: as many filled points as converged done runs with a and s, hollow the rest.
    int converged = 0, notConverged = 0;
    for (const core::StudyRunRecord& r : runs) {
        if (!StudyDiagram::isPlotted(r))
            continue;
        (r.converged ? converged : notConverged) += 1;
    }
    QVERIFY(converged > 0);
    QCOMPARE(notConverged, 2);   // the two 60-step runs with an unreachable loss target
    StudyDiagram* diagram = window.plots()->diagram();
    QCOMPARE(totalCount(diagram->groups(), true), converged);
    QCOMPARE(totalCount(diagram->groups(), false), notConverged);

    // Selecting rows overlays their curves, read from their run folders.
    window.table()->sortByColumn(0, Qt::AscendingOrder);
    selectRows(window.table(), {0, 1, 4});
    RunCurvesPlot* loss = window.plots()->lossCurves();
    RunCurvesPlot* sharpness = window.plots()->sharpnessCurves();
    QCOMPARE(loss->curveGraphs().size(), 3);
    QCOMPARE(sharpness->curveGraphs().size(), 3);
    for (int i = 0; i < 3; ++i) {
        const core::StudyRunRecord& r = runs[size_t(QList<int>{0, 1, 4}[i])];
        QVERIFY2(loss->curveGraphs()[i]->dataCount() > 1, qPrintable(loss->curves()[i].label));
        // The last loss point is at the run's last iteration.
        QCOMPARE(loss->curves()[i].iterations.last(), double(r.iterations));
        QVERIFY(sharpness->curveGraphs()[i]->dataCount() >= 1);
    }
    QCOMPARE(diagram->highlightGraph()->dataCount(), 3);
    selectRows(window.table(), {2});
    QCOMPARE(loss->curveGraphs().size(), 1);

    // Double-click asks for the run folder.
    QSignalSpy open(&window, &StudyWindow::openRunRequested);
    const QModelIndex first = window.table()->model()->index(0, 0);
    const QPoint centre = window.table()->visualRect(first).center();
    // The view opens what the press before the double-click picked.
    QTest::mouseClick(window.table()->viewport(), Qt::LeftButton, {}, centre);
    QTest::mouseDClick(window.table()->viewport(), Qt::LeftButton, {}, centre);
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().at(0).toString(), QDir(out).absoluteFilePath(QString::fromStdString(runs[0].folder)));

    // Starting again runs nothing: everything is done.
    finished.clear();
    QVERIFY(window.start());
    QVERIFY(finished.wait(kStudyTimeoutMs));
    QCOMPARE(storeRuns(out).size(), size_t(6));

    // The main window's hook-up: File → Open study… lands here, and a double-clicked run opens
    // in the main window through its open-run-folder path.
    MainWindow main;
    QVERIFY(main.findChild<QAction*>(QStringLiteral("openStudyAction")));
    QVERIFY(main.findChild<QAction*>(QStringLiteral("newStudyAction")));
    QVERIFY(!main.openStudy(dir.filePath(QStringLiteral("nothing-here"))));
    StudyWindow* study = main.openStudy(out);
    QVERIFY(study);
    QVERIFY(study->isVisible());
    QCOMPARE(study->model()->rowCount(), 6);
    QCOMPARE(main.openStudy(file), study);   // one study window, now on the file
    QCOMPARE(study->studyFile(), QFileInfo(file).absoluteFilePath());
    const QString runFolder = QDir(out).absoluteFilePath(QString::fromStdString(runs[4].folder));
    Q_EMIT study->openRunRequested(runFolder);
    QVERIFY2(main.runStatusText().contains(runFolder), qPrintable(main.runStatusText()));
    QCOMPARE(main.lossPlot()->graph(LossPlot::Series::TrainLoss)->dataCount(), int(runs[4].iterations) + 1);
}

void TestStudyWindow::watchAStudyTheCliWrites()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("watched.json"));
    writeFile(file, quickStudyFile(QStringLiteral("watched")));
    const QString out = dir.filePath(QStringLiteral("out"));

    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(cliPath(), {QStringLiteral("study"), QStringLiteral("run"), QStringLiteral("--config"), file,
                          QStringLiteral("--out"), out, QStringLiteral("--workers"), QStringLiteral("1")});
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(out + QStringLiteral("/study.sqlite")), 20000);

    StudyWindow window;
    window.show();
    QString error;
    QTRY_VERIFY_WITH_TIMEOUT(window.openStudy(out, &error), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 6, 5000);
    selectRows(window.table(), {5});   // the last point: it runs last
    const std::string selected =
        window.model()->run(window.filterModel()->mapToSource(window.table()->model()->index(5, 0)).row()).key;

    QVERIFY(cli.waitForFinished(kStudyTimeoutMs));
    QCOMPARE(cli.exitCode(), 0);
    // The window's timer rereads the store: every run ends up done, without any call from here.
    const int doneColumn = window.model()->column(StudyTableModel::Column::State);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (int row = 0; row < window.model()->rowCount(); ++row)
                if (window.model()->index(row, doneColumn).data().toString() != QStringLiteral("done"))
                    return false;
            return true;
        }(),
        5000);
    const QModelIndexList rows = window.table()->selectionModel()->selectedRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(window.model()->run(window.filterModel()->mapToSource(rows[0]).row()).key, selected);
    QCOMPARE(window.plots()->lossCurves()->curveGraphs().size(), 1);
    QVERIFY(window.plots()->lossCurves()->curveGraphs()[0]->dataCount() > 1);
}

void TestStudyWindow::stopRequeuesRunsInFlight()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("endless.json"));
    // Runs that never stop by themselves: a loss target of 0 and no practical iteration cap.
    writeFile(file, QStringLiteral(R"({"name": "endless", "base": {"dataset": {"name": "escape-toy"},
        "model": {"kind": "escape-toy", "x0": 0.99}, "optimizer": {"name": "gd", "lr": 0.3},
        "stop": {"loss_below": 0, "max_iterations": 100000000}},
        "grid": {"optimizer.lr": [0.3, 0.5, 0.7]}})"));
    const QString out = dir.filePath(QStringLiteral("out"));

    StudyWindow window;
    window.setCliExecutable(cliPath());
    window.show();
    QString error;
    QVERIFY2(window.openStudyFile(file, out, &error), qPrintable(error));
    QSignalSpy finished(&window, &StudyWindow::studyFinished);
    QVERIFY(window.start());
    // Until two runs are in flight.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(out + QStringLiteral("/study.sqlite"))
                                 && countState(storeRuns(out), core::StudyRunState::Running) >= 1,
                             20000);
    QTest::qWait(500);
    QElapsedTimer clock;
    clock.start();
    window.stop();
    QVERIFY(finished.wait(10000));
    const qint64 elapsed = clock.elapsed();
    qInfo("Stop to the runner's end: %lld ms", elapsed);
    QVERIFY2(elapsed < kStopBoundMs, qPrintable(QString::number(elapsed)));
    QVERIFY(finished.first().at(0).value<core::RunStatus>() == core::RunStatus::Cancelled);
    const std::vector<core::StudyRunRecord> runs = storeRuns(out);
    QCOMPARE(countState(runs, core::StudyRunState::ToDo), 3);   // the stopped runs are to do again
    QVERIFY(!window.worker()->isRunning());
}

MINIMASCOPE_TEST_WIDGETS(TestStudyWindow)
// The New study form: its study is validated by core's parser (every point) before it can be
// created, and the file it writes is the study it showed.
void TestStudyWindow::newStudyFormValidatesAndWrites()
{
    QTemporaryDir tmp;
    NewStudyDialog dialog;
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    auto* status = dialog.findChild<QLabel*>(QStringLiteral("newStudyStatus"));
    dialog.nameField()->setText(QStringLiteral("form"));
    dialog.baseField()->setCurrentText(QStringLiteral("escape-toy-sgd"));
    dialog.axisKeyField(0)->setCurrentText(QStringLiteral("optimizer.lr"));
    dialog.axisValuesField(0)->setText(QStringLiteral("0.3, 0.5"));
    dialog.axisKeyField(1)->setCurrentText(QStringLiteral("optimizer.name"));
    dialog.axisValuesField(1)->setText(QStringLiteral("gd, sgd"));
    dialog.folderField()->setText(tmp.filePath(QStringLiteral("form")));
    QVERIFY2(status->text().contains(QStringLiteral("4 run")), qPrintable(status->text()));
    QVERIFY(ok->isEnabled());

    // A value no run config accepts names the key, and blocks Create.
    dialog.axisValuesField(0)->setText(QStringLiteral("0.3, -1"));
    QVERIFY2(status->text().contains(QStringLiteral("optimizer.lr")), qPrintable(status->text()));
    QVERIFY(!ok->isEnabled());
    dialog.axisValuesField(0)->setText(QString());
    QVERIFY2(status->text().contains(QStringLiteral("Axis 1")), qPrintable(status->text()));
    QVERIFY(!ok->isEnabled());

    // No axis at all: said in the form's terms, Create blocked.
    const QString secondKey = dialog.axisKeyField(1)->currentText();
    dialog.axisKeyField(0)->setCurrentText(QString());
    dialog.axisKeyField(1)->setCurrentText(QString());
    dialog.axisValuesField(1)->setText(QString());
    QVERIFY2(status->text().contains(QStringLiteral("Give at least one axis")), qPrintable(status->text()));
    QVERIFY(!ok->isEnabled());
    dialog.axisKeyField(0)->setCurrentText(QStringLiteral("optimizer.lr"));
    dialog.axisKeyField(1)->setCurrentText(secondKey);
    dialog.axisValuesField(1)->setText(QStringLiteral("gd, sgd"));

    dialog.axisValuesField(0)->setText(QStringLiteral("0.3, 0.5, 0.7"));
    QString error;
    const QString file = dialog.writeStudyFile(&error);
    QVERIFY2(!file.isEmpty(), qPrintable(error));
    const core::StudyConfig study = core::loadStudyConfig(file.toStdString());
    QCOMPARE(study.name, std::string("form"));
    QCOMPARE(study.points.size(), size_t(6));
    QCOMPARE(study.points[0].config.optimizer.lr, 0.3);
    QCOMPARE(study.points[1].config.optimizer.name, std::string("sgd"));
}

#include "TestStudyWindow.moc"
