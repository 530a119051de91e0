#pragma once
// Live curvature tracking during training: every `every` iterations (and/or once at the end)
// measure the sharpness a and non-uniformity s (and optionally the spectral density) of the
// current parameters, warm-starting each solve from the previous eigenvectors, so that a
// parameter vector that moved little costs a handful of products. Attach to a Trainer before run(); samples arrive through the callback
// on the training thread and are kept in samples().
#include "analysis/CurvatureReport.h"

#include <functional>
#include <optional>
#include <vector>

namespace minimascope::core {

class Trainer;

struct CurvatureSample {
    int64_t iteration = 0;
    double sharpness = 0.0;
    double sharpnessResidual = 0.0;
    double nonUniformity = 0.0;        // NaN when not requested
    double nonUniformityResidual = 0.0;
    int64_t hessianProducts = 0;
    int64_t covarianceProducts = 0;
    double seconds = 0.0;              // wall time of this measurement
    std::optional<SpectralDensity> density;   // when CurvatureTracking::spectrum
};

struct CurvatureTracking {
    int64_t every = 0;                 // 0 = never during training
    bool atEnd = true;
    bool nonUniformity = true;
    int64_t subset = 0;                // first N training examples; 0 = all
    double tolerance = 1e-3;
    bool spectrum = false;             // also the SLQ density of H (densityOptions.steps products)
    SpectralDensityOptions densityOptions;
};

class CurvatureTracker {
public:
    explicit CurvatureTracker(CurvatureTracking tracking);
    void attach(Trainer& trainer);
    void setCallback(std::function<void(const CurvatureSample&)> callback);
    const std::vector<CurvatureSample>& samples() const { return m_samples; }
    // The top eigenvector of H the next measurement starts from (the last one measured).
    const at::Tensor& hessianWarmStart() const { return m_hessianVector; }

private:
    void measure(int64_t iteration, Network& network, FlatParameters& parameters, const Dataset& data,
                 const CancelToken& cancel);

    CurvatureTracking m_tracking;
    std::function<void(const CurvatureSample&)> m_callback;
    std::vector<CurvatureSample> m_samples;
    at::Tensor m_hessianVector;
    at::Tensor m_covarianceVector;
};

} // namespace minimascope::core
