#pragma once
// Live curvature tracking during training: every `every` iterations (and/or once at the end)
// measure the sharpness a and non-uniformity s (and optionally the spectral density) of the
// current parameters, warm-starting each solve from the previous eigenvectors, so that a
// parameter vector that moved little costs a handful of products.
// In the background (CurvatureTracking::background), a due measurement runs on a copy of the
// parameters on a second thread while training goes on (the machine's other core); a point that
// falls due while the previous measurement still runs is skipped and counted, never queued, so
// the cadence adapts to what the second core keeps up with. The measurement at the end runs on
// the training thread once the background one is done.
// Attach to a Trainer before run(); samples arrive through the callback on the training thread
// (a background sample at the next due point or at the end) and are kept in samples(), each with
// the iteration of the parameters it was measured on.
#include "analysis/CurvatureReport.h"
#include "analysis/CurvatureSample.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace minimascope::core {

class Trainer;

struct CurvatureTracking {
    int64_t every = 0;   // 0 = never during training
    bool atEnd = true;
    bool nonUniformity = true;
    int64_t subset = 0;   // first N training examples; 0 = all
    double tolerance = 1e-3;
    bool spectrum = false;   // also the SLQ density of H (densityOptions.steps products)
    SpectralDensityOptions densityOptions;
    bool background = false;   // measure on a second thread while training goes on
};

class CurvatureTracker {
public:
    explicit CurvatureTracker(CurvatureTracking tracking);
    ~CurvatureTracker();
    CurvatureTracker(const CurvatureTracker&) = delete;
    CurvatureTracker& operator=(const CurvatureTracker&) = delete;

    void attach(Trainer& trainer);
    void setCallback(std::function<void(const CurvatureSample&)> callback);
    const std::vector<CurvatureSample>& samples() const { return m_samples; }
    // Due points skipped because the background measurement before them was still running.
    const std::vector<int64_t>& skipped() const { return m_skipped; }
    // The top eigenvector of H the next measurement starts from (the last one measured).
    const at::Tensor& hessianWarmStart() const { return m_hessianVector; }

private:
    struct Background;
    std::optional<CurvatureSample> measure(int64_t iteration, Network& network, FlatParameters& parameters,
                                           const Dataset& data, const CancelToken& cancel);
    void deliver(const CurvatureSample& sample);
    void deliverFinished(bool wait);

    CurvatureTracking m_tracking;
    std::function<void(const CurvatureSample&)> m_callback;
    std::vector<CurvatureSample> m_samples;
    std::vector<int64_t> m_skipped;
    at::Tensor m_hessianVector;
    at::Tensor m_covarianceVector;
    std::unique_ptr<Background> m_background;
};

}   // namespace minimascope::core
