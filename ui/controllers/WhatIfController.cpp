#include "controllers/WhatIfController.h"

#include "StabilityDiagram.h"
#include "controllers/RunController.h"
#include "panels/WhatIfPanel.h"

#include <utility>

namespace minimascope::ui {

namespace {

QString shortNumber(double v) { return QString::number(v, 'g', 6); }

StabilityDiagram::Verdict diagramVerdict(const QString& verdict)
{
    if (verdict == QLatin1String("stable"))
        return StabilityDiagram::Verdict::Stable;
    if (verdict == QLatin1String("unstable"))
        return StabilityDiagram::Verdict::Unstable;
    return StabilityDiagram::Verdict::Undetermined;
}

}   // namespace

WhatIfController::WhatIfController(RunController* runs, StabilityDiagram* diagram, WhatIfPanel* panel, QObject* parent)
    : QObject(parent), m_runs(runs), m_diagram(diagram), m_panel(panel)
{
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(kCoalesceMs);
    connect(&m_coalesce, &QTimer::timeout, this, [this] { requestVerdict(m_panel->eta(), m_panel->batchSize()); });
    connect(m_panel, &WhatIfPanel::valuesChanged, this, [this](double eta, qint64 batchSize) {
        if (!m_hasRun || m_shape.trainSize <= 0)
            return;
        m_diagram->setBounds(eta, batchSize, m_shape.trainSize, m_shape.draw);
        showPending();
        m_coalesce.start();
    });
    connect(m_diagram, &StabilityDiagram::sharpnessBoundDragged, m_panel, &WhatIfPanel::setEta);
    connect(m_runs, &RunController::stabilityTested, this, &WhatIfController::applyResult);
    clearRun();
}

void WhatIfController::setTrainedRun() { startRun(QString()); }

void WhatIfController::setRunFolder(const QString& dir) { startRun(dir); }

void WhatIfController::startRun(const QString& dir)
{
    m_runDir = dir;
    m_hasRun = true;
    m_shape = StabilitySetting{};
    m_hasPoint = false;
    m_last = StabilityTestResult{};
    m_diagram->clearWhatIfPoint();
    m_panel->setEnabled(false);   // until the run's shape is known
    m_panel->setVerdictText(tr("Measuring the run's a and s and testing it at its own η and B…"));
    m_reload = true;
    requestVerdict(0.0, 0);
}

void WhatIfController::clearRun()
{
    m_hasRun = false;
    m_coalesce.stop();
    m_latestJob = 0;   // a late answer for the old run is not shown
    m_diagram->clearWhatIfPoint();
    m_diagram->setBoundDragEnabled(false);
    m_panel->setEnabled(false);
    m_panel->setVerdictText(tr("After a run has finished (or a run folder is "
                               "open), move η and B to see whether "
                               "its minimum stays linearly stable."));
}

quint64 WhatIfController::requestVerdict(double eta, qint64 batchSize)
{
    if (!m_hasRun)
        return 0;
    m_coalesce.stop();
    StabilityTestRequest request;
    request.runDir = m_runDir;
    request.eta = eta;
    request.batchSize = batchSize;
    request.reload = std::exchange(m_reload, false);
    m_latestJob = m_runs->startStabilityTest(request);
    return m_latestJob;
}

void WhatIfController::showPending()
{
    if (m_hasPoint)
        m_diagram->setWhatIfPoint(m_sharpness, m_nonUniformity, StabilityDiagram::Verdict::Pending, tr("testing…"));
    m_panel->setVerdictText(tr("η = %1, B = %2: testing…").arg(shortNumber(m_panel->eta())).arg(m_panel->batchSize()));
}

bool WhatIfController::applyResult(const StabilityTestResult& result)
{
    // A newer request replaced this one; a cancelled one is always a replaced one.
    if (result.jobId == 0 || result.jobId != m_latestJob || result.status == core::RunStatus::Cancelled)
        return false;
    // The panel moved on and its request is about to leave: this answer is for a stale (η, B).
    if (m_coalesce.isActive() && m_shape.trainSize > 0)
        return false;
    m_last = result;
    if (result.status != core::RunStatus::Finished) {
        m_diagram->clearWhatIfPoint();
        m_hasPoint = false;
        m_panel->setEnabled(m_shape.trainSize > 0);
        m_panel->setVerdictText(tr("The what-if failed: %1").arg(result.message));
        Q_EMIT verdictShown(result);
        return true;
    }
    if (m_shape.trainSize <= 0) {
        // The first answer for this run: its own η, B and n, and its (a, s).
        m_shape = result.run;
        m_panel->setRun(result.run.eta, result.run.batchSize, result.run.trainSize);
        m_panel->setEnabled(true);
        m_diagram->setBounds(result.eta, result.batchSize, m_shape.trainSize, m_shape.draw);
        m_diagram->setBoundDragEnabled(true);
    }
    m_sharpness = result.sharpness;
    m_nonUniformity = result.nonUniformity;
    m_hasPoint = true;
    // An unstable verdict comes at its proof: a direction above 1, not yet the largest.
    const QString lambdaMax = (result.lowerBound ? QStringLiteral("≥ ") : QStringLiteral("= "))
                              + shortNumber(result.lambdaMax);
    m_diagram->setWhatIfPoint(result.sharpness, result.nonUniformity, diagramVerdict(result.verdict),
                              tr("%1 (λmax %2)").arg(result.verdict, lambdaMax));
    m_panel->setVerdictText(tr("η = %1, B = %2: λmax{(I − ηH)² + η²cΣ} %3 → <b>%4</b><br>the run's a = %5, s = "
                               "%6; %7, %8 s%9")
                                .arg(shortNumber(result.eta))
                                .arg(result.batchSize)
                                .arg(lambdaMax, result.verdict, shortNumber(result.sharpness),
                                     shortNumber(result.nonUniformity),
                                     result.products == 1 ? tr("1 product") : tr("%1 products").arg(result.products))
                                .arg(result.seconds, 0, 'f', 2)
                                .arg(result.warmStarted ? tr(", warm start") : QString()));
    Q_EMIT verdictShown(result);
    return true;
}

}   // namespace minimascope::ui
