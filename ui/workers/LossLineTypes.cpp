#include "workers/LossLineTypes.h"

#include "landscape/Directions.h"
#include "landscape/WeightScaling.h"
#include "landscape/WeightSymmetry.h"

#include <QCoreApplication>

namespace minimascope::ui {

const char* directionsName(LossLineKind kind)
{
    switch (kind) {
    case LossLineKind::WeightScale: return "scale";
    case LossLineKind::InitialToFinal: return "interpolate";
    case LossLineKind::SymmetricTwin: return "permutation";
    }
    return "";
}

QString toString(LossLineKind kind)
{
    switch (kind) {
    case LossLineKind::WeightScale: return QCoreApplication::translate("LossLineKind", "along the weight vector, α·θ");
    case LossLineKind::InitialToFinal:
        return QCoreApplication::translate("LossLineKind", "from the initial to the final parameters");
    case LossLineKind::SymmetricTwin:
        return QCoreApplication::translate("LossLineKind", "to the symmetric twin (hidden units permuted)");
    }
    return {};
}

void defaultLossLineRange(LossLineKind kind, double* alphaMin, double* alphaMax)
{
    switch (kind) {
    case LossLineKind::WeightScale:
        *alphaMin = core::kWeightScaleMin;
        *alphaMax = core::kWeightScaleMax;
        return;
    case LossLineKind::InitialToFinal:
        *alphaMin = core::kInterpolationMin;
        *alphaMax = core::kInterpolationMax;
        return;
    case LossLineKind::SymmetricTwin:
        *alphaMin = core::kTwinLineMin;
        *alphaMax = core::kTwinLineMax;
        return;
    }
}

void registerLossLineMetaTypes()
{
    qRegisterMetaType<LossLineRequest>();
    qRegisterMetaType<LossLineResult>();
    qRegisterMetaType<AsymmetryRequest>();
    qRegisterMetaType<AsymmetryResult>();
}

}   // namespace minimascope::ui
