#include "workers/WorkerTypes.h"

#include "workers/LossLineTypes.h"

#include <QCoreApplication>

namespace minimascope::ui {

QString toString(SurfaceDirections directions)
{
    switch (directions) {
    case SurfaceDirections::Random:
        return QCoreApplication::translate("SurfaceDirections", "filter-normalized random directions");
    case SurfaceDirections::TopEigenvectors:
        return QCoreApplication::translate("SurfaceDirections", "top two Hessian eigenvectors");
    case SurfaceDirections::TrajectoryPca:
        return QCoreApplication::translate("SurfaceDirections", "PCA of the trajectory");
    }
    return {};
}

void registerWorkerMetaTypes()
{
    // Queued connections copy their arguments through the meta-type system.
    qRegisterMetaType<core::RunStatus>();
    qRegisterMetaType<core::MetricsRow>();
    qRegisterMetaType<TrainingRequest>();
    qRegisterMetaType<SpectrumRequest>();
    qRegisterMetaType<TrainingStart>();
    qRegisterMetaType<TrainingUpdate>();
    qRegisterMetaType<TrainingOutcome>();
    qRegisterMetaType<AnalysisProgress>();
    qRegisterMetaType<SpectrumResult>();
    qRegisterMetaType<SpectraRequest>();
    qRegisterMetaType<SpectraUpdate>();
    qRegisterMetaType<SpectraResult>();
    qRegisterMetaType<LandscapeRequest>();
    qRegisterMetaType<SurfaceUpdate>();
    qRegisterMetaType<SliceResult>();
    qRegisterMetaType<StabilityTestRequest>();
    qRegisterMetaType<StabilityTestResult>();
    registerLossLineMetaTypes();
}

}   // namespace minimascope::ui
