#include "controllers/RunRecorder.h"

#include "LossPlot.h"
#include "SharpnessPlot.h"
#include "StabilityDiagram.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace minimascope::ui {

namespace {

void plotRows(LossPlot* loss, const QVector<core::MetricsRow>& rows)
{
    for (const core::MetricsRow& row : rows)
        loss->appendEvaluation(double(row.iteration), row.trainLoss, row.testLoss, row.trainAccuracy, row.testAccuracy);
}

void plotSamples(SharpnessPlot* sharpness, StabilityDiagram* stability, const QVector<core::CurvatureSample>& samples)
{
    for (const core::CurvatureSample& sample : samples) {
        sharpness->appendSharpness(double(sample.iteration), sample.sharpness);
        if (std::isfinite(sample.nonUniformity))
            stability->appendMeasurement(sample.sharpness, sample.nonUniformity);
    }
}

}   // namespace

void showOptimizerSwitch(LossPlot* loss, const QString& configJson)
{
    const auto name = [](const QJsonValue& optimizer) {
        return optimizer.toObject().value(QStringLiteral("name")).toString();
    };
    const QJsonObject config = QJsonDocument::fromJson(configJson.toUtf8()).object();
    const QJsonObject change = config.value(QStringLiteral("switch")).toObject();
    const double at = change.value(QStringLiteral("at")).toDouble();
    if (at > 0.0)
        loss->setOptimizerSwitch(at, name(change.value(QStringLiteral("from"))),
                                 name(config.value(QStringLiteral("optimizer"))));
    else
        loss->clearOptimizerSwitch();
}

RunRecorder::RunRecorder(LossPlot* loss, SharpnessPlot* sharpness, StabilityDiagram* stability, QObject* parent)
    : QObject(parent), m_loss(loss), m_sharpness(sharpness), m_stability(stability)
{
}

void RunRecorder::beginRun(const QString& configJson)
{
    m_record.configJson = configJson;
    m_record.shape = StabilitySetting{};
    m_record.metrics.clear();
    m_record.samples.clear();
    plotCurrentRun();
}

void RunRecorder::setShape(const StabilitySetting& shape)
{
    m_record.shape = shape;
    drawBounds();
}

void RunRecorder::plotCurrentRun()
{
    m_loss->clear();
    showOptimizerSwitch(m_loss, m_record.configJson);
    m_sharpness->clear();
    m_stability->clear();
    drawBounds();
}

void RunRecorder::drawBounds()
{
    const StabilitySetting& shape = m_record.shape;
    m_sharpness->setLearningRate(shape.eta);
    m_stability->setBounds(shape.eta, shape.batchSize, shape.trainSize, shape.draw);
}

void RunRecorder::addUpdate(const TrainingUpdate& update)
{
    m_record.metrics += update.rows;
    m_record.samples += update.samples;
    plotRows(m_loss, update.rows);
    plotSamples(m_sharpness, m_stability, update.samples);
}

void RunRecorder::finishRun(const TrainingOutcome& outcome)
{
    m_stability->finishRun(outcome.eta, outcome.batchSize, m_record.shape.label);
    for (auto it = m_record.samples.crbegin(); it != m_record.samples.crend(); ++it) {
        if (std::isfinite(it->nonUniformity)) {
            m_record.session.append(
                {it->sharpness, it->nonUniformity, outcome.eta, outcome.batchSize, m_record.shape.label});
            break;
        }
    }
}

void RunRecorder::restore(const RunRecord& record)
{
    m_record = record;
    // The session points first, each as a one-measurement run, then the current run's curves.
    m_stability->clearSession();
    for (const SessionEntry& entry : record.session) {
        m_stability->clear();
        m_stability->appendMeasurement(entry.a, entry.s);
        m_stability->finishRun(entry.eta, entry.batchSize, entry.label);
    }
    plotCurrentRun();
    plotRows(m_loss, record.metrics);
    plotSamples(m_sharpness, m_stability, record.samples);
    m_loss->resetView();
    m_sharpness->resetView();
    m_stability->resetView();
}

}   // namespace minimascope::ui
