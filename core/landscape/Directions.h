#pragma once
// Directions for loss-landscape pictures (docs/science.md, "Loss-landscape pictures"): seeded Gaussian directions with
// Li et al.'s filter normalization (or per-layer, or none), the difference of two parameter
// vectors (Goodfellow et al.'s 1D interpolation), Gram-Schmidt orthogonalization of a pair, and
// the norm/cosine report shown next to every picture.
// Every direction is a flat vector laid out like FlatParameters::values() (same size and dtype).
// Pure functions of their arguments: thread-safe as long as the inputs are not written meanwhile.
// Errors: a vector of the wrong size throws std::invalid_argument (a programming error); an
// unknown normalization name throws InputError.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace minimascope::core {

class FlatParameters;

// Filter: each filter of a weight (a conv output channel, a linear layer's row = one neuron) is
//   rescaled to the norm of the same filter of the parameters, d_ij <- d_ij / |d_ij| * |theta_ij|.
// Layer: each parameter tensor as a whole is rescaled to the norm of the parameter tensor.
// None: the raw N(0, 1) draw, kept so that the difference normalization makes can be shown.
enum class DirectionNormalization { Filter, Layer, None };

// "filter", "layer", "none"; throws InputError naming the value otherwise.
DirectionNormalization parseDirectionNormalization(const std::string& name);
const char* toString(DirectionNormalization normalization);

// A Gaussian direction drawn from its own generator seeded with `seed` (the same seed gives the
// same direction on every machine and thread), normalized against the current parameters.
// Biases and BatchNorm scales/shifts (every 1-D parameter) are zeroed when
// `ignoreBiasAndBatchNorm`, otherwise copied from the parameters (Filter, Layer; Li et al.'s
// "biasbn" rule) or left Gaussian (None).
at::Tensor randomDirection(const FlatParameters& parameters, DirectionNormalization normalization,
                           bool ignoreBiasAndBatchNorm, uint64_t seed);

// Applies the same normalization to a given direction (e.g. a Hessian eigenvector or the
// gradient) against `reference` (the flat parameters the picture is centred on). Returns a new
// vector; zero filters stay zero.
at::Tensor normalizeDirection(const FlatParameters& layout, const at::Tensor& reference, const at::Tensor& direction,
                              DirectionNormalization normalization, bool ignoreBiasAndBatchNorm);

// to - from: the direction of the straight line from one parameter vector to another, so that
// origin = from, alpha = 1 lands on `to`.
// The default alpha range of such a line (Goodfellow et al.'s): half its length beyond both ends.
inline constexpr double kInterpolationMin = -0.5;
inline constexpr double kInterpolationMax = 1.5;
at::Tensor parameterDifference(const at::Tensor& from, const at::Tensor& to);

// Gram-Schmidt: removes from `second` its component along `first` and rescales it to its
// original norm (so that a normalized direction keeps its scale). Returns the new second vector.
// A second vector parallel to the first throws std::invalid_argument.
at::Tensor orthogonalizeAgainst(const at::Tensor& first, const at::Tensor& second);

struct DirectionReport {
    double norm1 = 0.0;
    double norm2 = 0.0;    // 0 when there is no second direction
    double cosine = 0.0;   // cos of the angle between them (0 without a second direction)
};

// The norms of the directions (in parameter units) and the cosine between them; `second` may be
// undefined (1D curve).
DirectionReport describeDirections(const at::Tensor& first, const at::Tensor& second);

}   // namespace minimascope::core
