#include "analysis/CurvatureTracker.h"

#include "data/DatasetTransforms.h"
#include "models/FlatParameters.h"
#include "train/Trainer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <limits>

namespace minimascope::core {

CurvatureTracker::CurvatureTracker(CurvatureTracking tracking) : m_tracking(tracking) {}

void CurvatureTracker::setCallback(std::function<void(const CurvatureSample&)> callback)
{
    m_callback = std::move(callback);
}

void CurvatureTracker::attach(Trainer& trainer)
{
    // The subset is cut once, not at every measurement.
    const Dataset& train = trainer.data().train;
    auto examples = std::make_shared<Dataset>(m_tracking.subset > 0 && m_tracking.subset < train.size()
                                                  ? takeFirst(train, m_tracking.subset)
                                                  : train);
    trainer.addHook(m_tracking.every, m_tracking.atEnd, [this, examples](const TrainerState& state) {
        // The end-of-run hook may fall on an iteration already measured.
        if (!m_samples.empty() && m_samples.back().iteration == state.iteration)
            return;
        // A diverged run ends on NaN/Inf weights: there is no curvature to measure.
        if (!state.parameters.values().isfinite().all().item<bool>())
            return;
        measure(state.iteration, state.network, state.parameters, *examples, state.cancel);
    });
}

void CurvatureTracker::measure(int64_t iteration, Network& network, FlatParameters& parameters, const Dataset& data,
                               const CancelToken& cancel)
{
    const auto start = std::chrono::steady_clock::now();
    CurvatureRequest request;
    request.nonUniformity = m_tracking.nonUniformity;
    request.tolerance = m_tracking.tolerance;
    request.warmStartHessian = m_hessianVector;
    request.warmStartCovariance = m_covarianceVector;
    request.density = m_tracking.spectrum;
    request.densityOptions = m_tracking.densityOptions;
    request.densityOptions.steps = std::min(request.densityOptions.steps, parameters.size());
    const CurvatureReport report = measureCurvature(network, parameters, data, request, &cancel);
    if (report.status != RunStatus::Finished)
        return;   // cancelled midway: no half-measured sample
    CurvatureSample sample;
    sample.iteration = iteration;
    sample.nonUniformity = std::numeric_limits<double>::quiet_NaN();
    if (!report.topEigenvalues.empty()) {
        sample.sharpness = report.topEigenvalues.front().value;
        sample.sharpnessResidual = report.topEigenvalues.front().residual;
        sample.hessianProducts = report.topEigenvalues.front().products;
        m_hessianVector = report.topEigenvector;
    }
    if (report.nonUniformity) {
        sample.nonUniformity = report.nonUniformity->value;
        sample.nonUniformityResidual = report.nonUniformity->residual;
        sample.covarianceProducts = report.nonUniformity->products;
        m_covarianceVector = report.covarianceEigenvector;
    }
    sample.density = report.density;
    sample.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m_samples.push_back(sample);
    if (m_callback)
        m_callback(sample);
}

} // namespace minimascope::core
