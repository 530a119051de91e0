#include "controllers/LossLineController.h"

#include "controllers/ExportController.h"
#include "controllers/RunController.h"
#include "dialogs/LossLineDialog.h"

#include "DirectionText.h"
#include "SlicePlot.h"

#include "train/RunConfig.h"

#include <QMainWindow>

#include <algorithm>
#include <cmath>

namespace minimascope::ui {

LossLineController::LossLineController(RunController* runs, QMainWindow* window, ExportController* exports)
    : AnalysisViewController(runs, window, QStringLiteral("lossLineAction"), tr("Loss along a &line…"),
                             QStringLiteral("lossLineDock"), tr("Loss along a line"), new SlicePlot)
{
    m_plot = static_cast<SlicePlot*>(dock()->widget());
    m_plot->setObjectName(QStringLiteral("lossLinePlot"));
    exports->addPlot(tr("Loss along a line"), m_plot);
    connect(runs, &RunController::lossLineReady, this, &LossLineController::onReady);
    connect(runs, &RunController::trainingStarted, m_plot, &SlicePlot::clear);
    connect(runs, &RunController::trainingFinished, this, &LossLineController::onTrainingFinished);
}

QList<PlotPanel*> LossLineController::plots() const { return {m_plot}; }

void LossLineController::onTrainingFinished(const TrainingOutcome& outcome)
{
    const QVector<qint64>& kept = outcome.snapshotIterations;
    m_keptInitial = std::find(kept.begin(), kept.end(), 0) != kept.end();
}

QString LossLineController::whyNoInitialLine() const
{
    return m_keptInitial ? QString()
                         : tr("The run kept no parameters at iteration 0 (it stopped before its first step, or "
                              "none has run yet): there is no line from the initial parameters.");
}

QString LossLineController::whyNoTwinLine() const
{
    const auto& config = runs()->lastRunConfig();
    if (!config)
        return tr("Train a run first.");
    if (config->model.kind != "mlp")
        return tr("The symmetric twin permutes the hidden units of an MLP; the run's model is a %1.")
            .arg(QString::fromStdString(config->model.kind));
    return {};
}

bool LossLineController::start(const LossLineRequest& request)
{
    if (!readyToStart(tr("Loss along a line")))
        return false;
    m_last = request;
    runs()->startLossLine(request);
    Q_EMIT started(tr("line %p%"), tr("Computing the loss %1: %2 points over α from %3 to %4…")
                                       .arg(toString(request.kind))
                                       .arg(request.points)
                                       .arg(request.alphaMin)
                                       .arg(request.alphaMax));
    return true;
}

void LossLineController::ask()
{
    LossLineDialog::Availability availability;
    availability.noInitialReason = whyNoInitialLine();
    availability.noTwinReason = whyNoTwinLine();
    const auto& config = runs()->lastRunConfig();
    availability.batchNorm = config && config->model.batchNorm;
    LossLineDialog dialog(availability, m_last, window());
    if (dialog.exec() == QDialog::Accepted)
        start(dialog.request());
}

void LossLineController::onReady(const LossLineResult& result)
{
    const QString line = tr("Loss %1").arg(toString(result.kind));
    if (!arrivedWithResult(line, result.status, result.message))
        return;
    m_result = result;
    const DirectionText text = directionText(directionsName(result.kind));
    SlicePlot::Labels labels;
    // The interpolation starts at the initial parameters, not at the run's (final) ones.
    const bool fromInitial = result.kind == LossLineKind::InitialToFinal;
    labels.title = fromInitial ? tr("Loss from the initial to the final parameters") : text.curveTitle;
    labels.xLabel = fromInitial ? tr("α (0: the initial parameters θ₀, 1: the final ones θ)") : text.alpha;
    labels.yLabel = tr("training loss");
    labels.first = tr("training loss");
    labels.firstColumn = QStringLiteral("loss");
    QString details;
    if (std::isfinite(result.barrier))
        details = tr("barrier %1 at α = %2").arg(result.barrier, 0, 'g', 4).arg(result.barrierAlpha, 0, 'g', 3);
    else if (std::isfinite(result.lowestLoss))
        details = tr("lowest %1 at α = %2").arg(result.lowestLoss, 0, 'g', 4).arg(result.lowestAlpha, 0, 'g', 3);
    const QString norm = result.kind == LossLineKind::WeightScale ? tr("|θ| = %1") : tr("|d| = %1");
    details += (details.isEmpty() ? QString() : QStringLiteral(", ")) + norm.arg(result.directionNorm, 0, 'g', 4);
    labels.title += QStringLiteral(" — ") + details;
    m_plot->setLabels(labels);
    m_plot->setSlices(result.alpha, result.loss, {});
    m_plot->resetView();
    showDock();
    Q_EMIT finished(result.status,
                    QStringLiteral("%1 %2: %3 (%4)")
                        .arg(line, QLatin1String(core::toString(result.status)), details, result.message));
}

}   // namespace minimascope::ui
