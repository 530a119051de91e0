#pragma once
// The numbers behind the escape-toy demo (Wu, Ma & E's 1D example, docs/science.md, "The escape toy"), all
// computed with the app's own code on the one-parameter EscapeToyModel: the two per-example
// losses and their mean on a grid of x (the model's forward pass), the sharpness a and the
// non-uniformity s at a point (AutogradCurvature's exact H and Sigma products: with one parameter
// H and Sigma are 1x1, so one product each gives them), and the iterates of GD and of SGD
// (the Trainer with the escape-toy presets' settings and the chosen eta, B and seed).
// Runs torch on the calling thread (a worker, never the GUI thread); not thread-safe per call.
// Cancel: a set token ends the iterates early (status Cancelled, what was computed kept).
#include "common/RunStatus.h"

#include <cstdint>
#include <vector>

namespace minimascope::core {

class CancelToken;

struct EscapeToyCurves {
    std::vector<double> x;
    std::vector<double> example1;   // f_1(x) = min{x^2, 0.1 (x-1)^2}
    std::vector<double> example2;   // f_2(x) = min{x^2, 1.9 (x-1)^2}
    std::vector<double> mean;       // f = (f_1 + f_2) / 2
};

struct EscapeToyPoint {
    double x = 0.0;
    double loss = 0.0;
    double sharpness = 0.0;       // a = H, the mean curvature
    double nonUniformity = 0.0;   // s = sqrt(Sigma), the spread of the per-example curvatures
};

struct EscapeToyPath {
    RunStatus status = RunStatus::Finished;
    std::vector<double> x;      // x_0 (the start) .. x_T
    std::vector<double> loss;   // f(x_k)
};

struct EscapeToySettings {
    double eta = 0.7;
    int64_t batchSize = 1;   // of the n = 2 examples; 2 is GD's full batch
    double x0 = 0.99;
    int64_t steps = 200;
    uint64_t seed = 0;
};

// `points` x values evenly from xMin to xMax (points >= 2).
EscapeToyCurves escapeToyCurves(double xMin, double xMax, int points);
// a, s and f at x.
EscapeToyPoint measureEscapeToyPoint(double x);
// The iterates of GD (fullBatch) or of SGD with settings.batchSize examples a step drawn as
// B-subsets (the Theorem's sampling, as the escape-toy-sgd preset); throws InputError for
// settings the run config reader refuses.
EscapeToyPath escapeToyIterates(const EscapeToySettings& settings, bool fullBatch, const CancelToken* cancel = nullptr);

}   // namespace minimascope::core
