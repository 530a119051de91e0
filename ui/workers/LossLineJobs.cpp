#include "workers/LossLineJobs.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetTransforms.h"
#include "landscape/AsymmetricValleys.h"
#include "landscape/Directions.h"
#include "landscape/LossSurface.h"
#include "landscape/WeightScaling.h"
#include "landscape/WeightSymmetry.h"
#include "models/FlatParameters.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"

#include <ATen/ATen.h>

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>

namespace minimascope::ui {

namespace {

// As the worker's other progress reports: each one repaints the progress bar.
constexpr qint64 kProgressIntervalMs = 100;

QString tr(const char* text) { return QCoreApplication::translate("LossLineJobs", text); }

core::Dataset examplesOf(const core::Trainer& trainer, qint64 subset)
{
    const core::Dataset& train = trainer.data().train;
    return subset > 0 && subset < train.size() ? core::takeFirst(train, subset) : train;
}

// done of total as a fraction, reported at most every kProgressIntervalMs and always at the end.
class ThrottledProgress {
public:
    explicit ThrottledProgress(const JobProgress& report) : m_report(report) { m_since.start(); }
    void operator()(int64_t done, int64_t total, const QString& text)
    {
        if (!m_report || (done < total && m_since.elapsed() < kProgressIntervalMs))
            return;
        m_since.restart();
        m_report(total > 0 ? std::clamp(double(done) / double(total), 0.0, 1.0) : 0.0, text);
    }

private:
    const JobProgress& m_report;
    QElapsedTimer m_since;
};

// The request of `landscape --directions KIND --dims 1` for this run.
core::SurfaceRequest lineRequest(core::Trainer& trainer, const at::Tensor* initial, const LossLineRequest& request,
                                 bool* twinNeedsBatchNorm)
{
    if (request.points < 2 || !(request.alphaMin < request.alphaMax))
        throw core::InputError(
            tr("A line needs at least 2 points over a range from a smaller to a larger α.").toStdString());
    core::FlatParameters& parameters = trainer.parameters();
    const at::Tensor theta = parameters.get();
    core::SurfaceRequest line;
    switch (request.kind) {
    case LossLineKind::WeightScale:
        line = core::weightScaleRequest(theta, request.points, request.alphaMin, request.alphaMax);
        break;
    case LossLineKind::InitialToFinal:
        if (!initial)
            throw core::InputError(tr("The run kept no parameters at iteration 0, so there is no line from the "
                                      "initial parameters: train the run again.")
                                       .toStdString());
        line.origin = *initial;
        line.direction1 = core::parameterDifference(*initial, theta);
        break;
    case LossLineKind::SymmetricTwin: {
        const core::TwinLine twin = core::twinLine(trainer.network(), parameters, request.seed);
        line.origin = theta;
        line.direction1 = twin.direction;
        *twinNeedsBatchNorm = twin.batchNorm;
        break;
    }
    }
    line.xMin = request.alphaMin;
    line.xMax = request.alphaMax;
    line.nx = request.points;
    line.ny = 1;
    line.progressive = false;
    line.accuracy = false;
    line.threads = 1;   // the other core stays with the GUI
    return line;
}

LossLineResult lossLine(core::Trainer& trainer, const at::Tensor* initial, const LossLineRequest& request,
                        const core::CancelToken& cancel, const JobProgress& progress)
{
    LossLineResult out;
    const core::Dataset data = examplesOf(trainer, request.subset);
    bool twinNeedsBatchNorm = false;
    core::SurfaceRequest line = lineRequest(trainer, initial, request, &twinNeedsBatchNorm);
    out.batchNormRecomputed = trainer.config().model.batchNorm && (request.recomputeBatchNorm || twinNeedsBatchNorm);
    if (out.batchNormRecomputed)
        line.batchNormData = &data;
    out.directionNorm = core::describeDirections(line.direction1, at::Tensor()).norm1;

    ThrottledProgress report(progress);
    const core::SurfaceSink sink = [&](const core::LandscapeGrid&, const core::SurfaceLevel&, const core::Progress& p) {
        report(p.done, p.total, tr("loss along the line: point %1 of %2").arg(p.done).arg(p.total));
    };
    core::LandscapeGrid grid;
    out.status = core::evaluateSurface(trainer.network(), trainer.parameters(), data, line, grid, &cancel, sink);
    out.alpha = grid.xs;
    out.loss = grid.loss;
    if (out.status != core::RunStatus::Finished)
        return out;
    if (const size_t lowest = core::lowestPoint(grid.loss); lowest < grid.loss.size()) {
        out.lowestAlpha = grid.xs[lowest];
        out.lowestLoss = grid.loss[lowest];
    }
    // The barrier is defined between the two twins, i.e. over exactly [0, 1] (as the CLI reports it).
    if (request.kind == LossLineKind::SymmetricTwin && line.xMin == 0.0 && line.xMax == 1.0)
        out.barrier = core::lineBarrier(grid.xs, grid.loss, &out.barrierAlpha);
    out.message = tr("%1 points, %2 examples%3")
                      .arg(grid.xs.size())
                      .arg(data.size())
                      .arg(out.batchNormRecomputed ? tr(", BatchNorm statistics recomputed at each point") : QString());
    return out;
}

AsymmetryResult asymmetryScan(core::Trainer& trainer, const AsymmetryRequest& request, const core::CancelToken& cancel,
                              const JobProgress& progress)
{
    AsymmetryResult out;
    // The CLI's defaults otherwise: filter-normalized directions, biases and BatchNorm left out.
    core::AsymmetryOptions options{/*zeta=*/request.zeta, /*radius=*/request.radius, /*points=*/request.points,
                                   /*p=*/request.p,       /*c=*/request.c,           /*count=*/request.count};
    options.seed = request.seed;
    core::validateAsymmetryOptions(options);
    const core::Dataset data = examplesOf(trainer, request.subset);
    ThrottledProgress report(progress);
    const core::ProgressSink sink = [&](const core::Progress& p) {
        report(p.done, p.total, tr("asymmetric valleys: direction %1 of %2").arg(p.done).arg(p.total));
    };
    const core::AsymmetryScan scan = core::scanAsymmetricDirections(trainer.network(), trainer.parameters(), data,
                                                                    options, &cancel, sink);
    out.status = scan.status;
    out.asymmetricCount = scan.asymmetricCount;
    for (const core::DirectionAsymmetry& d : scan.directions) {
        const core::AsymmetryCurve curve = core::signedCurve(d);
        out.directions.push_back(
            {d.seed, d.ratio, d.asymmetric, d.flatSide, d.meanSlopeFlat, d.meanSlopeSharp, curve.l, curve.loss});
    }
    out.byAsymmetry = scan.byAsymmetry();
    out.message = tr("%1 of %2 directions, %3 full-data gradients in %4 s")
                      .arg(scan.directions.size())
                      .arg(options.count)
                      .arg(scan.gradients)
                      .arg(scan.seconds, 0, 'f', 1);
    return out;
}

// The job on the last run, its errors (none, an InputError of the core, ...) as a Failed result.
template <typename Result, typename Job>
Result onLastRun(core::Trainer* trainer, quint64 jobId, const QString& noRun, const Job& job)
{
    Result out;
    try {
        if (!trainer)
            throw core::InputError(noRun.toStdString());
        out = job(*trainer);
    } catch (const std::exception& e) {
        out.status = core::RunStatus::Failed;
        out.message = QString::fromStdString(e.what());
    }
    out.jobId = jobId;
    return out;
}

}   // namespace

LossLineResult computeLossLine(core::Trainer* trainer, const at::Tensor* initial, const LossLineRequest& request,
                               const core::CancelToken& cancel, const JobProgress& progress)
{
    LossLineResult out = onLastRun<LossLineResult>(
        trainer, request.jobId, tr("Train a run first: the line passes through the parameters a run ends with."),
        [&](core::Trainer& run) { return lossLine(run, initial, request, cancel, progress); });
    out.kind = request.kind;
    return out;
}

AsymmetryResult scanAsymmetry(core::Trainer* trainer, const AsymmetryRequest& request, const core::CancelToken& cancel,
                              const JobProgress& progress)
{
    AsymmetryResult out = onLastRun<AsymmetryResult>(
        trainer, request.jobId, tr("Train a run first: the scan is at the parameters a run ends with."),
        [&](core::Trainer& run) { return asymmetryScan(run, request, cancel, progress); });
    out.request = request;
    return out;
}

}   // namespace minimascope::ui
