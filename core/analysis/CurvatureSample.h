#pragma once
// The plain records of curvature measurements, with no torch in them, so that the desktop app's
// signals carry them as they are: an estimated spectral density (SpectralDensity.h computes it)
// and one sample of the live tracking during training (CurvatureTracker.h).
#include "common/RunStatus.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace minimascope::core {

struct SpectralDensity {
    RunStatus status = RunStatus::Finished;
    std::vector<double> nodes;     // Ritz values of all starts
    std::vector<double> weights;   // their weights (each start's sum to 1/starts)
    std::vector<double> grid;      // t
    std::vector<double> density;   // phi(t), integrates to ~1 over the grid
    double sigma = 0.0;
    int64_t products = 0;
};

struct CurvatureSample {
    int64_t iteration = 0;   // of the parameters it was measured on
    double sharpness = 0.0;
    double sharpnessResidual = 0.0;
    double nonUniformity = 0.0;   // NaN when not requested
    double nonUniformityResidual = 0.0;
    int64_t hessianProducts = 0;
    int64_t covarianceProducts = 0;
    double seconds = 0.0;                     // wall time of this measurement
    std::optional<SpectralDensity> density;   // when CurvatureTracking::spectrum
};

}   // namespace minimascope::core
