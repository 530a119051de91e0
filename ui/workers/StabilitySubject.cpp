#include "workers/StabilitySubject.h"

#include "analysis/CurvatureOperators.h"
#include "analysis/CurvatureReport.h"
#include "analysis/LinearStability.h"
#include "data/DatasetSpec.h"
#include "models/FlatParameters.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"

#include <ATen/ATen.h>

#include <QCoreApplication>
#include <QElapsedTimer>

namespace minimascope::ui {

namespace {

QString trStabilitySubject(const char* text) { return QCoreApplication::translate("StabilitySubject", text); }

}   // namespace

StabilitySetting runShapeOf(const core::RunConfig& config, qint64 n)
{
    StabilitySetting shape;
    shape.eta = config.optimizer.lr;
    shape.batchSize = config.effectiveBatchSize(n);
    shape.trainSize = n;
    shape.draw = core::batchDrawOf(config.optimizer);
    const QString optimizer = QString::fromStdString(config.optimizer.name);
    const double eta = config.optimizer.lr;
    shape.label =
        config.optimizer.fullBatch()
            ? QCoreApplication::translate("SessionWorker", "%1 η=%2").arg(optimizer).arg(eta)
            : QCoreApplication::translate("SessionWorker", "%1 η=%2 B=%3").arg(optimizer).arg(eta).arg(shape.batchSize);
    return shape;
}

struct StabilitySubject::Impl {
    // A run folder's network and parameters are the subject's own; a trained run's stay the
    // trainer's.
    std::shared_ptr<core::Network> ownedNetwork;
    std::unique_ptr<core::FlatParameters> ownedParameters;
    core::Network* network = nullptr;
    core::FlatParameters* parameters = nullptr;
    core::Dataset data;
    StabilitySetting shape;
    uint64_t seed = 0;
    int threads = 1;
    const core::CancelToken* cancel = nullptr;
    std::unique_ptr<core::CurvatureOperators> operators;
    bool measured = false;
    double sharpness = 0.0;
    double nonUniformity = 0.0;
    core::StabilityTestMemory memory;   // the earlier tests' products: the next one starts there
};

StabilitySubject::StabilitySubject(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) { }

StabilitySubject::~StabilitySubject() = default;

std::unique_ptr<StabilitySubject> StabilitySubject::openRunFolder(const QString& dir, const core::CancelToken* cancel)
{
    // As AnalyzeCommand opens a run: its training set, its final parameters, the run-id check.
    auto d = std::make_unique<Impl>();
    const core::RunFolderInfo run = core::readRunFolderInfo(dir.toStdString());
    const core::RunConfig config = core::readRunConfig(run);
    d->data = core::loadDatasets(config.dataset).train;
    d->ownedNetwork = core::buildModel(config.model, d->data, config.seed);
    const std::string parametersDir = core::finalParametersDir(run);
    core::loadNetworkTensors(parametersDir, *d->ownedNetwork, core::expectedRunIdFor(run, parametersDir));
    d->ownedParameters = std::make_unique<core::FlatParameters>(*d->ownedNetwork);
    core::requireFiniteParameters(*d->ownedParameters, parametersDir);
    d->network = d->ownedNetwork.get();
    d->parameters = d->ownedParameters.get();
    d->shape = runShapeOf(config, d->data.size());
    d->seed = config.seed;
    d->threads = int(core::Trainer::analysisThreadsFor(config));
    d->cancel = cancel;
    return std::unique_ptr<StabilitySubject>(new StabilitySubject(std::move(d)));
}

std::unique_ptr<StabilitySubject> StabilitySubject::ofTrainedRun(core::Trainer& trainer,
                                                                 const core::CancelToken* cancel)
{
    auto d = std::make_unique<Impl>();
    d->network = &trainer.network();
    d->parameters = &trainer.parameters();
    d->data = trainer.data().train;
    d->shape = runShapeOf(trainer.config(), d->data.size());
    d->seed = trainer.config().seed;
    d->threads = int(core::Trainer::analysisThreadsFor(trainer.config()));
    d->cancel = cancel;
    return std::unique_ptr<StabilitySubject>(new StabilitySubject(std::move(d)));
}

int StabilitySubject::threads() const { return m_impl->threads; }

StabilityTestResult StabilitySubject::test(const StabilityTestRequest& request)
{
    Impl& d = *m_impl;
    StabilityTestResult out;
    out.jobId = request.jobId;
    out.run = d.shape;
    out.eta = request.eta > 0 ? request.eta : d.shape.eta;
    out.batchSize = request.batchSize > 0 ? request.batchSize : d.shape.batchSize;
    const int64_t n = d.data.size();
    if (out.batchSize > n || n < 2) {
        out.status = core::RunStatus::Failed;
        out.message =
            trStabilitySubject("the stability test needs 2 <= B <= n (B = %1, n = %2)").arg(out.batchSize).arg(n);
        return out;
    }
    const core::CurvatureRequest defaults;   // analyze's tolerance and Lanczos step cap
    if (!d.measured) {
        // The run's own point, as `analyze` measures a and s.
        core::CurvatureRequest curvature;
        curvature.seed = d.seed;
        const core::CurvatureReport report = core::measureCurvature(*d.network, *d.parameters, d.data, curvature,
                                                                    d.cancel);
        if (report.status != core::RunStatus::Finished || report.topEigenvalues.empty() || !report.nonUniformity) {
            out.status = report.status == core::RunStatus::Finished ? core::RunStatus::Failed : report.status;
            out.message = trStabilitySubject("a and s of the run were not measured");
            return out;
        }
        d.sharpness = report.topEigenvalues.front().value;
        d.nonUniformity = report.nonUniformity->value;
        d.measured = true;
    }
    out.sharpness = d.sharpness;
    out.nonUniformity = d.nonUniformity;
    if (!d.operators)
        d.operators = std::make_unique<core::CurvatureOperators>(*d.network, *d.parameters, d.data, d.cancel);
    const core::LanczosOptions options = core::stabilityTestOptions(defaults.tolerance, defaults.maxSteps, d.seed);
    out.warmStarted = d.memory.size() > 0;
    QElapsedTimer timer;
    timer.start();
    const core::StabilityVerdict verdict = core::testLinearStability(d.operators->hessian(), d.operators->covariance(),
                                                                     out.eta, out.batchSize, n, d.shape.draw, options,
                                                                     d.cancel, &d.memory);
    out.seconds = double(timer.nsecsElapsed()) * 1e-9;
    out.status = verdict.status;
    out.lambdaMax = verdict.lambdaMax;
    out.residual = verdict.residual;
    out.lowerBound = !verdict.certified && verdict.lambdaMax > 1.0 + verdict.tolerance;
    out.products = verdict.products;
    out.verdict = QString::fromLatin1(verdict.verdict());
    return out;
}

}   // namespace minimascope::ui
