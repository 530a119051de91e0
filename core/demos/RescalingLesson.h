#pragma once
// The numbers behind the "sharp-minima-generalize" demo (Dinh et al. 2017; docs/science.md,
// "Sharpness is not invariant").
// ReLU is non-negatively homogeneous, so the rescaling T_alpha that multiplies hidden layer k's
// weight and bias by alpha and layer k + 1's weight by 1/alpha (alpha > 0) leaves the network's
// function, hence its loss and accuracy, unchanged, while the Hessian at T_alpha(theta) is
// D H D with D = diag(I / alpha on layer k, alpha I on layer k + 1's weight, I elsewhere).
// measureRescaledMinimum measures, at T_alpha of a minimum: the training loss, the test loss and
// accuracy, how far the outputs moved, the sharpness a = lambda_max(H) (Lanczos), the trace of H
// (Hutch++) and Keskar's epsilon-sharpness (through measureCurvature, the analyze command's
// code), and optionally the loss over one plane through raw N(0, 1) directions and through the
// same draws filter-normalized (biases left out of both, as in the filter-normalization demo):
// the normalized directions rescale with the weights (d' = T_alpha d), so that picture is the
// same at every alpha; the raw one is not.
// Runs torch on the calling thread (a worker, never the GUI thread); not thread-safe (it moves
// the network's parameters, and puts back the ones it found on return, also on cancel or error).
// Errors: a network that is not a ReLU MLP without BatchNorm, a layer without a next one, or
// alpha <= 0 throw InputError (the function would not be invariant). Cancel: checked per product,
// gradient and surface point; the result then has status Cancelled.
#include "analysis/EpsilonSharpness.h"
#include "common/RunStatus.h"
#include "landscape/LossSurface.h"
#include "train/Trainer.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;
struct DatasetPair;

// The parameters T_alpha scales, as indices into FlatParameters::slices().
struct RescaledLayers {
    size_t firstWeight = 0, firstBias = 0;   // hidden layer k: times alpha
    size_t secondWeight = 0;                 // layer k + 1: times 1/alpha (its bias is unchanged)
    std::string first, second;               // the layers' names ("linear0", "linear1")
};

// Hidden layer `layer` (0 = the first) of `network`, which must be a ReLU MLP without BatchNorm.
RescaledLayers rescaledLayers(const Network& network, const FlatParameters& parameters, int64_t layer);

// T_alpha as elementwise factors laid out like parameters.values(): T_alpha(theta) = factors *
// theta, and the Hessian there is D H D with D = diag(1 / factors).
at::Tensor rescalingFactors(const FlatParameters& parameters, const RescaledLayers& layers, double alpha);

struct RescalingSettings {
    double tolerance = 1e-3;      // Lanczos: residual <= tolerance * a
    int64_t maxSteps = 200;       // Lanczos steps cap
    int64_t traceProducts = 60;   // Hutch++ products; 0 = no trace
    EpsilonSharpnessOptions epsilon;
    uint64_t seed = 0;         // solvers' starts and probes, the surfaces' directions (seed, seed + 1)
    bool surfaces = true;      // the two planes (the costliest part)
    int64_t resolution = 21;   // points a side (odd: the minimum is the centre)
    double range = 1.0;        // alpha, beta of the plane in [-range, range]
};

struct RescaledMinimum {
    RunStatus status = RunStatus::Finished;   // Cancelled when the token was set
    double alpha = 1.0;
    double trainLoss = 0.0;      // at T_alpha(theta), full training set
    double testLoss = 0.0;       // NaN without a test set
    double testAccuracy = 0.0;   // NaN without a test set or for tasks without one
    // max |f_T(x) - f(x)| / max |f(x)| over the test inputs (the training inputs without a test
    // set): how far T_alpha moved the outputs; rounding only.
    double outputChange = 0.0;
    double weightNorm = 0.0;               // |T_alpha(theta)| over all parameters
    double sharpness = 0.0;                // a = lambda_max(H)
    double sharpnessResidual = 0.0;        // |H v - a v|
    double trace = 0.0;                    // tr(H), Hutch++
    double traceError = 0.0;               // its standard error
    double epsilonSharpness = 0.0;         // Keskar's percentage (EpsilonSharpness.h)
    LandscapeGrid raw, filterNormalized;   // empty unless settings.surfaces
};

// Sets the parameters to T_alpha(minimum) (the layers from rescaledLayers) and measures there;
// `minimum` is a flat vector like parameters.values(). The parameters the network had are back
// on return.
RescaledMinimum measureRescaledMinimum(Network& network, FlatParameters& parameters, const DatasetPair& data,
                                       const at::Tensor& minimum, const RescaledLayers& layers, double alpha,
                                       const RescalingSettings& settings, const CancelToken* cancel = nullptr);

// The demo's lesson: trains one run config (a ReLU MLP) once, then measures its minimum at any
// alpha, rescaling hidden layer `layer` and the next. Errors: a config the run config reader refuses, or not a ReLU MLP
// without BatchNorm, throws InputError from the constructor; measure() before a finished train() throws
// std::logic_error.
class RescalingLesson {
public:
    explicit RescalingLesson(const nlohmann::json& runConfig, int64_t layer = 0);
    ~RescalingLesson();
    RescalingLesson(const RescalingLesson&) = delete;
    RescalingLesson& operator=(const RescalingLesson&) = delete;

    // Trains the run (on the calling thread) and keeps its end point as the minimum.
    TrainResult train(const CancelToken& cancel);
    bool isTrained() const { return m_minimum.defined(); }
    RescaledMinimum measure(double alpha, const RescalingSettings& settings, const CancelToken* cancel = nullptr);

    const RescaledLayers& layers() const { return m_layers; }
    int64_t parameterCount() const;
    int64_t trainSize() const;

private:
    std::unique_ptr<Trainer> m_trainer;
    RescaledLayers m_layers;
    at::Tensor m_minimum;
};

}   // namespace minimascope::core
