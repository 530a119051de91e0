#include "SpectraOverTraining.h"

#include "CurvesPlot.h"

#include <QString>

#include <algorithm>
#include <cstdio>
#include <limits>

namespace minimascope::ui {

namespace {

// SLQ's Gaussian tails fall to 1e-150 between peaks: drawn (and in the CSV) only down to this
// share of the peak, which is all the eye reads on a log axis; spectra/*.json has every value.
constexpr double kDrawnShareOfPeak = 1e-8;

// The density as drawn: NaN (a gap) below kDrawnShareOfPeak of its peak.
std::vector<double> drawnDensity(const std::vector<double>& density)
{
    std::vector<double> drawn = density;
    const double peak = drawn.empty() ? 0.0 : *std::max_element(drawn.begin(), drawn.end());
    for (double& value : drawn)
        if (value < kDrawnShareOfPeak * peak)
            value = std::numeric_limits<double>::quiet_NaN();
    return drawn;
}

void labelDensityAxes(CurvesPlot& densities)
{
    densities.setAxisLabels(QStringLiteral("eigenvalue λ"), QStringLiteral("density"));
    densities.setLogY(true);
}

void labelSpectraOverTraining(CurvesPlot& densities, CurvesPlot& topEigenvalues)
{
    densities.setTitle(QStringLiteral("Hessian spectral density through training (SLQ)"));
    labelDensityAxes(densities);
    topEigenvalues.setTitle(QStringLiteral("Top Hessian eigenvalues through training"));
    topEigenvalues.setAxisLabels(QStringLiteral("iteration"), QStringLiteral("eigenvalue"));
    topEigenvalues.resetView();
}

bool hasDensity(const SnapshotSpectrum& spectrum) { return !spectrum.grid.empty() || !spectrum.density.empty(); }

void addDensity(const SnapshotSpectrum& spectrum, CurvesPlot& densities)
{
    char name[48];
    std::snprintf(name, sizeof name, "iteration %.0f", spectrum.iteration);
    densities.addCurve(QString::fromUtf8(name), spectrum.grid, drawnDensity(spectrum.density));
}

QString eigenvalueName(size_t k) { return QStringLiteral("λ%1").arg(k + 1); }

}   // namespace

bool fillSpectraOverTraining(const std::vector<SnapshotSpectrum>& spectra, CurvesPlot& densities,
                             CurvesPlot& topEigenvalues)
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> iterations;
    std::vector<std::vector<double>> top;   // [k][spectrum]
    for (const SnapshotSpectrum& spectrum : spectra) {
        if (hasDensity(spectrum))
            addDensity(spectrum, densities);
        const size_t column = iterations.size();
        iterations.push_back(spectrum.iteration);
        for (size_t k = 0; k < spectrum.topEigenvalues.size(); ++k) {
            if (top.size() <= k)
                top.emplace_back(column, nan);
            top[k].push_back(spectrum.topEigenvalues[k]);
        }
        for (std::vector<double>& values : top)
            values.resize(iterations.size(), nan);
    }
    for (size_t k = 0; k < top.size(); ++k)
        topEigenvalues.addCurve(eigenvalueName(k), iterations, top[k]);
    labelSpectraOverTraining(densities, topEigenvalues);
    return !iterations.empty();
}

void appendSpectrumOverTraining(const SnapshotSpectrum& spectrum, CurvesPlot& densities, CurvesPlot& topEigenvalues)
{
    if (densities.curveCount() == 0 && topEigenvalues.curveCount() == 0)
        labelSpectraOverTraining(densities, topEigenvalues);
    if (hasDensity(spectrum))
        addDensity(spectrum, densities);
    for (size_t k = 0; k < spectrum.topEigenvalues.size(); ++k) {
        const double value = spectrum.topEigenvalues[k];
        if (int(k) < topEigenvalues.curveCount())
            topEigenvalues.appendPoint(int(k), spectrum.iteration, value);
        else   // λk's line starts at the first spectrum that has it
            topEigenvalues.addCurve(eigenvalueName(k), {spectrum.iteration}, {value});
    }
}

bool fillSpectraOfRuns(const std::vector<RunSpectrum>& runs, CurvesPlot& densities)
{
    bool any = false;
    for (const RunSpectrum& run : runs) {
        const SnapshotSpectrum& spectrum = run.spectrum;
        if (spectrum.grid.empty() && spectrum.density.empty())
            continue;
        const QString name =
            spectrum.topEigenvalues.empty()
                ? run.label
                : QStringLiteral("%1 (λ1 = %2)").arg(run.label).arg(spectrum.topEigenvalues.front(), 0, 'g', 4);
        densities.addCurve(name, spectrum.grid, drawnDensity(spectrum.density));
        any = true;
    }
    if (!any)
        return false;
    densities.setTitle(QStringLiteral("Hessian spectral density of each run (SLQ)"));
    labelDensityAxes(densities);
    densities.resetView();
    return true;
}

}   // namespace minimascope::ui
