#pragma once
// The numbers behind the "filter-normalization" and "architectures" demos (Li et al. 2018,
// docs/science.md, "Loss-landscape pictures"):
// each of the demo's runs is trained to its minimum with the app's Trainer, then the loss is
// evaluated over the same plane twice, spanned by the same two seeded Gaussian draws once raw
// (DirectionNormalization::None) and once filter-normalized (each row of a weight rescaled to the
// norm of the same row of the minimum's weights). Biases are left out of both directions (Li et
// al.'s "biasbn" rule), so that normalization is the only difference between the two pictures.
// The architectures demo compares minima of different networks, for which only the
// filter-normalized picture means anything: it leaves the raw plane out (half the points) and
// measures each minimum's sharpness a = lambda_max(H) and non-uniformity s = sqrt(lambda_max(Sigma))
// instead (exact over the training set, with BatchNorm in eval mode as in the surfaces; through
// measureCurvature, the analyze command's code).
// Runs torch on the calling thread (a worker, never the GUI thread); one call at a time.
// Errors: a run config the run config reader refuses throws InputError; a curvature measurement
// that fails throws std::runtime_error. Cancel: a set token ends the training, the curvature or
// the surface within a step (status Cancelled, the minima done so far kept).
#include "common/RunStatus.h"
#include "io/NumberFormat.h"
#include "landscape/LossSurface.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;

struct NormalizationLessonSettings {
    int64_t resolution = 21;   // grid points a side (odd: the minimum is the centre point)
    double range = 1.0;        // alpha, beta in [-range, range], in multiples of the directions
    uint64_t seed = 0;         // direction 1 uses seed, direction 2 seed + 1
    bool rawPlane = true;      // false: only the filter-normalized plane (NormalizationMinimum::raw stays empty)
    bool curvature = false;    // measure a and s at each minimum (NaN otherwise)
};

struct NormalizationMinimum {
    RunStatus trainStatus = RunStatus::Finished;
    int64_t iterations = 0;
    double trainLoss = 0.0;   // the Trainer's final evaluation
    double testAccuracy = 0.0;
    double weightNorm = 0.0;          // |theta| over the weights (2-D and up), biases left out
    double sharpness = kNaN;          // a = lambda_max(H) over the training set (settings.curvature)
    double nonUniformity = kNaN;      // s = sqrt(lambda_max(Sigma)) (settings.curvature)
    LandscapeGrid raw;                // raw N(0, 1) directions (empty without settings.rawPlane)
    LandscapeGrid filterNormalized;   // the same draws, filter-normalized
    // Per filter (every row of every weight, in layer order): |theta_ij|, and the norm of the
    // same row of the first raw and the first filter-normalized direction.
    std::vector<double> parameterFilterNorms, rawFilterNorms, normalizedFilterNorms;
};

struct NormalizationLesson {
    RunStatus status = RunStatus::Finished;     // Cancelled when the token was set
    std::vector<NormalizationMinimum> minima;   // one per run config, in order
};

// Trains every run config (minimascope-run JSON) and evaluates its two surfaces.
NormalizationLesson computeNormalizationLesson(const std::vector<nlohmann::json>& runConfigs,
                                               const NormalizationLessonSettings& settings,
                                               const CancelToken* cancel = nullptr);

// The norm of each filter of `vector` (laid out like layout.values()): every row of every
// parameter of two or more dimensions, in layer order; 1-D parameters (biases) have none.
std::vector<double> filterNorms(const FlatParameters& layout, const at::Tensor& vector);

}   // namespace minimascope::core
