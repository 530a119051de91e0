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

}   // namespace

bool fillSpectraOverTraining(const std::vector<SnapshotSpectrum>& spectra, CurvesPlot& densities,
                             CurvesPlot& topEigenvalues)
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> iterations;
    std::vector<std::vector<double>> top;   // [k][spectrum]
    for (const SnapshotSpectrum& spectrum : spectra) {
        if (!spectrum.grid.empty() || !spectrum.density.empty()) {
            char name[48];
            std::snprintf(name, sizeof name, "iteration %.0f", spectrum.iteration);
            std::vector<double> drawn = spectrum.density;
            const double peak = drawn.empty() ? 0.0 : *std::max_element(drawn.begin(), drawn.end());
            for (double& value : drawn)
                if (value < kDrawnShareOfPeak * peak)
                    value = nan;
            densities.addCurve(QString::fromUtf8(name), spectrum.grid, drawn);
        }
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
        topEigenvalues.addCurve(QStringLiteral("λ%1").arg(k + 1), iterations, top[k]);
    densities.setTitle(QStringLiteral("Hessian spectral density through training (SLQ)"));
    densities.setAxisLabels(QStringLiteral("eigenvalue λ"), QStringLiteral("density"));
    densities.setLogY(true);
    topEigenvalues.setTitle(QStringLiteral("Top Hessian eigenvalues through training"));
    topEigenvalues.setAxisLabels(QStringLiteral("iteration"), QStringLiteral("eigenvalue"));
    topEigenvalues.resetView();
    return !iterations.empty();
}

}   // namespace minimascope::ui
