#include "GradientNormPlot.h"

#include "CurvesPlot.h"

#include <algorithm>
#include <cmath>

namespace minimascope::ui {

bool fillGradientNorm(const std::vector<double>& iterations, const std::vector<double>& norms, CurvesPlot& plot)
{
    if (std::none_of(norms.begin(), norms.end(), [](double norm) { return std::isfinite(norm); }))
        return false;
    plot.setTitle(QStringLiteral("Gradient norm |∇L(θ)| over the training set"));
    plot.setAxisLabels(QStringLiteral("iteration"), QStringLiteral("|∇L(θ)|"));
    plot.setLogY(true);
    plot.addCurve(QStringLiteral("train"), iterations, norms);
    return true;
}

}   // namespace minimascope::ui
