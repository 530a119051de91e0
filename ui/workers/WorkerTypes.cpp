#include "workers/WorkerTypes.h"

#include <QCoreApplication>

namespace minimascope::ui {

JobStatus jobStatusOf(core::RunStatus status)
{
    switch (status) {
    case core::RunStatus::Finished: return JobStatus::Finished;
    case core::RunStatus::Cancelled: return JobStatus::Cancelled;
    case core::RunStatus::Diverged: return JobStatus::Diverged;
    case core::RunStatus::Failed: return JobStatus::Failed;
    }
    return JobStatus::Failed;
}

QString toString(JobStatus status)
{
    switch (status) {
    case JobStatus::Finished: return QCoreApplication::translate("JobStatus", "finished");
    case JobStatus::Cancelled: return QCoreApplication::translate("JobStatus", "cancelled");
    case JobStatus::Diverged: return QCoreApplication::translate("JobStatus", "diverged");
    case JobStatus::Failed: return QCoreApplication::translate("JobStatus", "failed");
    }
    return QCoreApplication::translate("JobStatus", "failed");
}

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
    qRegisterMetaType<TrainingRequest>();
    qRegisterMetaType<SpectrumRequest>();
    qRegisterMetaType<TrainingStart>();
    qRegisterMetaType<TrainingUpdate>();
    qRegisterMetaType<TrainingOutcome>();
    qRegisterMetaType<AnalysisProgress>();
    qRegisterMetaType<SpectrumResult>();
    qRegisterMetaType<JobStatus>();
    qRegisterMetaType<LandscapeRequest>();
    qRegisterMetaType<SurfaceUpdate>();
    qRegisterMetaType<SliceResult>();
    qRegisterMetaType<StabilityTestRequest>();
    qRegisterMetaType<StabilityTestResult>();
}

} // namespace minimascope::ui
