#pragma once
// Requests and results of the 1D loss lines through the last run's minimum and of the
// asymmetric-valley scan (the `landscape --directions scale|interpolate|permutation` and
// `asymmetry` commands, in the desktop app), passed between the GUI and the worker thread by
// queued signals like the records of WorkerTypes.h. registerLossLineMetaTypes() runs with
// registerWorkerMetaTypes().
#include "common/RunStatus.h"

#include <QMetaType>
#include <QString>

#include <limits>
#include <vector>

namespace minimascope::ui {

// Which line: Im, Tao & Branson's L(α·θ) along the weight vector (α = 1 is θ), Goodfellow et
// al.'s interpolation from the run's initial parameters (α = 0) to its final ones (α = 1), or the
// line to the MLP's symmetric twin (hidden units permuted, signs flipped for tanh; α = 1 is the
// twin, the same function).
enum class LossLineKind { WeightScale, InitialToFinal, SymmetricTwin };

// The `landscape --directions` name of a kind ("scale", "interpolate", "permutation"), which
// DirectionText turns into the axis text.
const char* directionsName(LossLineKind kind);
// "along the weight vector α·θ", ... for menus and the log.
QString toString(LossLineKind kind);
// The default α range of a kind, the CLI's (core/landscape/WeightScaling.h, Directions.h, WeightSymmetry.h).
void defaultLossLineRange(LossLineKind kind, double* alphaMin, double* alphaMax);

struct LossLineRequest {
    quint64 jobId = 0;
    LossLineKind kind = LossLineKind::WeightScale;
    double alphaMin = 0.0;
    double alphaMax = 2.0;
    int points = 41;
    qint64 subset = 0;   // first N training examples; 0 = all
    quint64 seed = 0;    // of the twin's permutation
    // BatchNorm models: recompute the statistics at every point on the examples (the CLI's
    // --recompute-bn); the twin's line always does. Ignored without BatchNorm.
    bool recomputeBatchNorm = true;
};

struct LossLineResult {
    quint64 jobId = 0;
    core::RunStatus status = core::RunStatus::Finished;
    QString message;   // the error for Failed, else what was computed
    LossLineKind kind = LossLineKind::WeightScale;
    std::vector<double> alpha;
    std::vector<double> loss;     // NaN where not computed (cancelled)
    double directionNorm = 0.0;   // |d| in parameter units (|θ| for the weight-vector line)
    bool batchNormRecomputed = false;
    // The twin's line over [0, 1]: the barrier max_α [L - linear interpolation of the ends] and where.
    double barrier = std::numeric_limits<double>::quiet_NaN();
    double barrierAlpha = std::numeric_limits<double>::quiet_NaN();
    // The lowest point of the line.
    double lowestAlpha = std::numeric_limits<double>::quiet_NaN();
    double lowestLoss = std::numeric_limits<double>::quiet_NaN();
};

// He, Huang & Yuan's scan (core/landscape/AsymmetricValleys.h, AsymmetryOptions): `count` seeded
// filter-normalized directions at the run's final parameters.
struct AsymmetryRequest {
    quint64 jobId = 0;
    qint64 count = 10;
    qint64 points = 10;   // samples a side over [zeta, radius]
    double zeta = 0.1;
    double radius = 1.0;
    double p = 0.0;   // <= 0: any p
    double c = 2.0;
    quint64 seed = 0;    // direction k uses seed + k
    qint64 subset = 0;   // first N training examples; 0 = all
};

// One scanned direction: its verdict and its curve along the signed distance l.
struct AsymmetryDirection {
    quint64 seed = 0;
    double ratio = 0.0;   // min sharp-side slope / max flat-side slope; +inf or 0 (core's)
    bool asymmetric = false;
    int flatSide = +1;
    double meanSlopeFlat = 0.0;
    double meanSlopeSharp = 0.0;
    std::vector<double> l, loss;
};

struct AsymmetryResult {
    quint64 jobId = 0;
    core::RunStatus status = core::RunStatus::Finished;
    QString message;
    AsymmetryRequest request;
    std::vector<AsymmetryDirection> directions;   // in seed order (those done when cancelled)
    std::vector<size_t> byAsymmetry;              // indices, most asymmetric first
    qint64 asymmetricCount = 0;
};

void registerLossLineMetaTypes();

}   // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::ui::LossLineRequest)
Q_DECLARE_METATYPE(minimascope::ui::LossLineResult)
Q_DECLARE_METATYPE(minimascope::ui::AsymmetryRequest)
Q_DECLARE_METATYPE(minimascope::ui::AsymmetryResult)
