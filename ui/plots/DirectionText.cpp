#include "DirectionText.h"

namespace minimascope::ui {

DirectionText directionText(const std::string& directions, const std::string& normalization)
{
    if (directions == "scale")
        return {QStringLiteral("Loss along the weight vector, L(α·θ)"), QStringLiteral("α (multiple of θ)"),
                QStringLiteral("β")};
    if (directions == "interpolate")
        return {QStringLiteral("Loss along the line between two solutions"),
                QStringLiteral("α (0: this run's parameters, 1: the other solution)"), QStringLiteral("β")};
    if (directions == "permutation")
        return {QStringLiteral("Loss along the line to the symmetric twin"), QStringLiteral("α (1: the twin)"),
                QStringLiteral("β")};
    if (directions == "eigen")
        return {QStringLiteral("Loss along the top Hessian eigenvector"),
                QStringLiteral("α along v₁ (the top Hessian eigenvector)"), QStringLiteral("β along v₂")};
    if (directions == "gradient")
        return {QStringLiteral("Loss along the gradient"), QStringLiteral("α along the unit gradient"),
                QStringLiteral("β along v₁ (the top Hessian eigenvector)")};
    if (directions == "random") {
        const QString kind = normalization == "none"    ? QStringLiteral("a raw N(0, 1) direction")
                             : normalization == "layer" ? QStringLiteral("a layer-normalized random direction")
                                                        : QStringLiteral("a filter-normalized random direction");
        return {QStringLiteral("Loss along ") + kind, QStringLiteral("α along ") + kind,
                QStringLiteral("β along another")};
    }
    return {QStringLiteral("Loss along a 1D slice"), QStringLiteral("α"), QStringLiteral("β")};
}

}   // namespace minimascope::ui
