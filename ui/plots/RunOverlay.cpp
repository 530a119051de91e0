#include "RunOverlay.h"

#include "CurvesPlot.h"

#include <algorithm>

namespace minimascope::ui {

namespace {

struct CurveText {
    QString title, alphaLabel;
};

// What alpha means for each 1D direction of docs/landscape.md (the sidecar's "directions").
CurveText curveText(const std::string& directions)
{
    if (directions == "scale")
        return {QStringLiteral("Loss along the weight vector, L(α·θ)"), QStringLiteral("α (multiple of θ)")};
    if (directions == "interpolate")
        return {QStringLiteral("Loss along the line between two solutions"),
                QStringLiteral("α (0 = the centre, 1 = the other solution)")};
    if (directions == "permutation")
        return {QStringLiteral("Loss along the line to the symmetric twin"), QStringLiteral("α (1 = the twin)")};
    return {QStringLiteral("Loss along a 1D slice"), QStringLiteral("α")};
}

}   // namespace

bool fillRunCurves(const std::vector<RunCurve>& curves, CurvesPlot& plot)
{
    if (curves.empty())
        return false;
    const std::string& kind = curves.front().directions;
    const bool sameKind = std::all_of(curves.begin(), curves.end(),
                                      [&kind](const RunCurve& curve) { return curve.directions == kind; });
    const CurveText text = curveText(sameKind ? kind : std::string());
    plot.setTitle(text.title);
    plot.setAxisLabels(text.alphaLabel, QStringLiteral("loss"));
    // The loss spans decades between the minimum and the origin or the barrier.
    plot.setLogY(true);
    for (const RunCurve& curve : curves)
        plot.addCurve(curve.label, curve.alphas, curve.losses);
    plot.resetView();
    return true;
}

}   // namespace minimascope::ui
