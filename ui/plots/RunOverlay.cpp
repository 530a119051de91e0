#include "RunOverlay.h"

#include "CurvesPlot.h"
#include "DirectionText.h"

#include <algorithm>

namespace minimascope::ui {

bool fillRunCurves(const std::vector<RunCurve>& curves, CurvesPlot& plot)
{
    if (curves.empty())
        return false;
    const std::string& kind = curves.front().directions;
    const bool sameKind = std::all_of(curves.begin(), curves.end(),
                                      [&kind](const RunCurve& curve) { return curve.directions == kind; });
    const DirectionText text = directionText(sameKind ? kind : std::string());
    plot.setTitle(text.curveTitle);
    plot.setAxisLabels(text.alpha, QStringLiteral("loss"));
    // The loss spans decades between the minimum and the origin or the barrier.
    plot.setLogY(true);
    for (const RunCurve& curve : curves)
        plot.addCurve(curve.label, curve.alphas, curve.losses);
    plot.resetView();
    return true;
}

}   // namespace minimascope::ui
