// The Hessian spectra through training drawn live (issue 18): with "Hessian spectrum at each
// measurement" in the setup form, every a-and-s measurement of a run also brings the SLQ density of
// H, and the main window adds each one to the spectra-through-training tabs as it arrives; without
// it, those tabs stay empty and closed, and a new run clears what the last one drew.
#include "CurvesPlot.h"
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "QCustomPlotInclude.h"
#include "controllers/RunController.h"
#include "panels/SetupPanel.h"
#include "support/TestSuite.h"

#include <QCheckBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace minimascope::ui;
using namespace minimascope::tests;
namespace core = minimascope::core;

namespace {

// SLQ's density is a sum of Gaussian kernels whose weights sum to 1, on a grid reaching 5 sigma past
// the extreme Ritz values (all but ~6e-7 of each kernel's mass) with ~3.6 points a sigma (400 points
// over the span plus 10 sigma, sigma = 1% of the span), where the trapezoid rule's error on a
// Gaussian is far below that: 1e-6 bounds the lost tails with room for rounding.
constexpr double kDensityMassTolerance = 1e-6;
// The plots draw a density only down to this share of its peak (SpectraOverTraining.cpp): below it
// the curve holds a gap (NaN) where the sample holds the number.
constexpr double kDrawnShareOfPeak = 1e-8;

bool shown(MainWindow& window, const char* dock)
{
    // Checked while the dock is open, whether or not its tab is the raised one.
    return window.findChild<QDockWidget*>(QString::fromLatin1(dock))->toggleViewAction()->isChecked();
}

double trapezoid(const std::vector<double>& x, const std::vector<double>& y)
{
    double sum = 0.0;
    for (size_t i = 1; i < x.size(); ++i)
        sum += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
    return sum;
}

// Trains 1000 iterations of two-moons-quick (no early stop), measuring a every 100 iterations and
// at the end, with or without the spectrum; returns the samples the run's updates brought.
QVector<core::CurvatureSample> trainTracked(MainWindow& window, bool spectrum)
{
    if (!window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")))
        qFatal("two-moons-quick preset missing");
    findField<QLineEdit*>(window, "lossBelow")->setText(QStringLiteral("0"));
    findField<QSpinBox*>(window, "maxIterations")->setValue(1000);
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(100);
    findField<QCheckBox*>(window, "nonUniformity")->setChecked(false);   // a is enough here
    findField<QCheckBox*>(window, "curvatureAtEnd")->setChecked(true);
    findField<QCheckBox*>(window, "curvatureSpectrum")->setChecked(spectrum);
    if (!window.setupPanel()->isValid())
        qFatal("invalid setup: %s", qPrintable(window.setupPanel()->errorMessage()));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    if (!window.startRun() || !finished.wait(kRunTimeoutMs))
        qFatal("the two-moons run did not finish");
    if (finished.at(0).at(0).value<TrainingOutcome>().status != core::RunStatus::Finished)
        qFatal("the two-moons run did not end as Finished");
    QVector<core::CurvatureSample> samples;
    for (const TrainingUpdate& u : updates(progress))
        samples += u.samples;
    return samples;
}

}   // namespace

class TestMainWindowLiveSpectra : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { isolateSettings(m_settingsDir); }
    void optionIsOffByDefault();
    void eachMeasurementDrawsItsDensity();
    void withoutTheOptionNoDensityIsDrawn();

private:
    QTemporaryDir m_settingsDir;
};

void TestMainWindowLiveSpectra::optionIsOffByDefault()
{
    MainWindow window;
    QVERIFY(!findField<QCheckBox*>(window, "curvatureSpectrum")->isChecked());
    QVERIFY(!window.setupPanel()->request().curvatureSpectrum);
}

void TestMainWindowLiveSpectra::eachMeasurementDrawsItsDensity()
{
    MainWindow window;
    window.show();
    const QVector<core::CurvatureSample> samples = trainTracked(window, true);
    // At least the background measurement at iteration 100 (delivered at the next due point) and
    // the one at the end; the second core may skip some due points.
    QVERIFY2(samples.size() >= 2, qPrintable(QString::number(samples.size())));
    QVERIFY(shown(window, "spectraDock"));
    QVERIFY(shown(window, "topEigenvaluesDock"));

    const CurvesPlot* densities = window.spectraDensityPlot();
    QCOMPARE(densities->curveCount(), samples.size());
    // λ1 against iteration: one point a sample, its sharpness a at its iteration.
    const CurvesPlot* top = window.topEigenvaluesPlot();
    QCOMPARE(top->curveCount(), 1);
    const auto lambda1 = top->curveGraph(0)->data();
    QCOMPARE(lambda1->size(), samples.size());
    for (int i = 0; i < samples.size(); ++i) {
        const core::CurvatureSample& sample = samples[i];
        QVERIFY2(sample.density.has_value(), qPrintable(QString::number(sample.iteration)));
        if (i > 0)
            QVERIFY2(sample.iteration > samples[i - 1].iteration, qPrintable(QString::number(sample.iteration)));
        QCOMPARE(lambda1->at(i)->key, double(sample.iteration));
        QCOMPARE(lambda1->at(i)->value, sample.sharpness);

        const std::vector<double>& grid = sample.density->grid;
        const std::vector<double>& density = sample.density->density;
        QCOMPARE(grid.size(), size_t(400));   // the grid of the spectra computed after a run
        QCOMPARE(density.size(), grid.size());
        QVERIFY(std::all_of(density.begin(), density.end(), [](double v) { return std::isfinite(v) && v >= 0.0; }));
        QVERIFY(std::is_sorted(grid.begin(), grid.end()));
        const double mass = trapezoid(grid, density);
        QVERIFY2(std::abs(mass - 1.0) <= kDensityMassTolerance, qPrintable(QString::number(mass, 'g', 17)));
        // The ridge of the largest eigenvalue: a lies on the grid.
        QVERIFY(grid.front() <= sample.sharpness && sample.sharpness <= grid.back());

        // The curve drawn is this sample's density, named by its iteration.
        const QCPGraph* graph = densities->curveGraph(i);
        QCOMPARE(graph->name(), QStringLiteral("iteration %1").arg(sample.iteration));
        QCOMPARE(size_t(graph->data()->size()), grid.size());
        const double peak = *std::max_element(density.begin(), density.end());
        for (size_t j = 0; j < grid.size(); ++j) {
            const auto point = graph->data()->at(int(j));
            QCOMPARE(point->key, grid[j]);
            if (density[j] >= kDrawnShareOfPeak * peak)
                QCOMPARE(point->value, density[j]);
            else
                QVERIFY(std::isnan(point->value));
        }
    }
}

void TestMainWindowLiveSpectra::withoutTheOptionNoDensityIsDrawn()
{
    // In the window of a run that drew its densities: the next run, without the option, clears them
    // and draws none, though it measures a as often.
    MainWindow window;
    window.show();
    QVERIFY(trainTracked(window, true).size() >= 2);
    QVERIFY(window.spectraDensityPlot()->curveCount() >= 2);
    const QVector<core::CurvatureSample> samples = trainTracked(window, false);
    QVERIFY2(samples.size() >= 2, qPrintable(QString::number(samples.size())));
    for (const core::CurvatureSample& sample : samples)
        QVERIFY2(!sample.density.has_value(), qPrintable(QString::number(sample.iteration)));
    QCOMPARE(window.spectraDensityPlot()->curveCount(), 0);
    QCOMPARE(window.topEigenvaluesPlot()->curveCount(), 0);
    QVERIFY(!shown(window, "spectraDock"));
    QVERIFY(!shown(window, "topEigenvaluesDock"));
}

MINIMASCOPE_TEST_WIDGETS(TestMainWindowLiveSpectra)
#include "TestMainWindowLiveSpectra.moc"
