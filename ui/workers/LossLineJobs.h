#pragma once
// The worker's side of the loss lines and the asymmetric-valley scan (LossLineTypes.h): the core
// functions the CLI calls (`landscape --directions scale|interpolate|permutation`, `asymmetry`),
// run on the last trained run. Called on the worker thread only; they move the network's weights
// and put them back. A bad request (no run, a range the core refuses, a twin of a model that is
// not an MLP, no initial parameters) ends with status Failed and the reason; a cancel with status
// Cancelled and what was computed so far.
#include "workers/LossLineTypes.h"

#include <QString>

#include <functional>

namespace at {
class Tensor;
}

namespace minimascope::core {
class CancelToken;
class Trainer;
}   // namespace minimascope::core

namespace minimascope::ui {

// fraction in [0, 1] and the step in words, at most ~10 reports a second.
using JobProgress = std::function<void(double fraction, const QString& text)>;

// `trainer`: the last run, null when there is none. `initial`: its parameters at iteration 0,
// null when it kept none. Errors come back as status Failed with the message, never thrown.
LossLineResult computeLossLine(core::Trainer* trainer, const at::Tensor* initial, const LossLineRequest& request,
                               const core::CancelToken& cancel, const JobProgress& progress);

AsymmetryResult scanAsymmetry(core::Trainer* trainer, const AsymmetryRequest& request, const core::CancelToken& cancel,
                              const JobProgress& progress);

}   // namespace minimascope::ui
