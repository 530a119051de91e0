#pragma once
// The finished run the what-if panel asks about, held by the SessionWorker on its thread: the
// network at the run's final parameters, its training set, the H and Sigma products over it (kept
// between tests, so that each new (eta, B) costs only the Lanczos products of the Theorem's
// operator, the forward pass being cached), the run's (a, s) and the earlier tests' products
// (core::StabilityTestMemory), from which the next one starts. Worker thread only. Errors (a folder that is not a run,
// files of another run, NaN parameters) throw, with a message naming the folder; a cancel returns
// status Cancelled.
#include "workers/WorkerTypes.h"

#include <memory>

namespace minimascope::core {
class CancelToken;
class Trainer;
struct RunConfig;
}   // namespace minimascope::core

namespace minimascope::ui {

// A run's shape from its config and the n examples it trains on.
StabilitySetting runShapeOf(const core::RunConfig& config, qint64 n);

class StabilitySubject {
public:
    // A saved run folder's final parameters over its training set, loaded as `analyze` loads them.
    static std::unique_ptr<StabilitySubject> openRunFolder(const QString& dir, const core::CancelToken* cancel);
    // The run last trained in the app; `trainer` keeps the network, parameters and data and must
    // outlive the subject.
    static std::unique_ptr<StabilitySubject> ofTrainedRun(core::Trainer& trainer, const core::CancelToken* cancel);
    ~StabilitySubject();

    // The test at request's (eta, B) (the run's own when not set), with the run's shape and (a, s),
    // measured on the first call.
    StabilityTestResult test(const StabilityTestRequest& request);
    // The torch threads `analyze` uses for this run (core::Trainer::analysisThreadsFor).
    int threads() const;

private:
    struct Impl;
    explicit StabilitySubject(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}   // namespace minimascope::ui
