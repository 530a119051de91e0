#include "demos/EscapeDemoView.h"

#include "demos/EscapeCurvePlot.h"
#include "demos/EscapeStabilityDiagram.h"

#include "analysis/StabilityBounds.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace minimascope::ui {

namespace {

// η in hundredths: 0.05 .. 1.20 (above 1 even GD leaves both minima, a = 2 > 2/η).
constexpr int kEtaMin = 5;
constexpr int kEtaMax = 120;
constexpr int kDefaultSpeed = 8;   // steps a second: the escape (first ~20 steps) takes a few seconds
constexpr int kSliderDelayMs = 120;

QSlider* slider(const QString& name, int min, int max, int value)
{
    auto* s = new QSlider(Qt::Horizontal);
    s->setObjectName(name);
    s->setRange(min, max);
    s->setValue(value);
    return s;
}

}   // namespace

EscapeDemoView::EscapeDemoView(QWidget* parent) : QWidget(parent)
{
    qRegisterMetaType<EscapeLessonRequest>();
    qRegisterMetaType<EscapeLessonResult>();
    setObjectName(QStringLiteral("escapeDemoView"));
    m_curve = new EscapeCurvePlot;
    m_diagram = new EscapeStabilityDiagram;
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_curve);
    split->addWidget(m_diagram);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    m_play = new QPushButton(tr("Play"));
    m_play->setObjectName(QStringLiteral("escapePlay"));
    m_step = new QPushButton(tr("Step"));
    m_step->setObjectName(QStringLiteral("escapeStep"));
    m_restart = new QPushButton(tr("Restart"));
    m_restart->setObjectName(QStringLiteral("escapeRestart"));
    m_speedSlider = slider(QStringLiteral("escapeSpeed"), 1, 60, kDefaultSpeed);
    m_etaSlider = slider(QStringLiteral("escapeEta"), kEtaMin, kEtaMax, 70);
    m_batchSlider = slider(QStringLiteral("escapeBatch"), 1, 2, 1);
    m_batchSlider->setTickPosition(QSlider::TicksBelow);
    m_speedLabel = new QLabel;
    m_etaLabel = new QLabel;
    m_batchLabel = new QLabel;
    for (QLabel* label : {m_speedLabel, m_etaLabel, m_batchLabel})
        label->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("B = 2 (GD) ")));
    m_verdict = new QLabel;
    m_verdict->setObjectName(QStringLiteral("escapeVerdict"));
    m_verdict->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_play);
    buttons->addWidget(m_step);
    buttons->addWidget(m_restart);
    buttons->addStretch();
    auto* grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("Learning rate")), 0, 0);
    grid->addWidget(m_etaSlider, 0, 1);
    grid->addWidget(m_etaLabel, 0, 2);
    grid->addWidget(new QLabel(tr("Batch size")), 1, 0);
    grid->addWidget(m_batchSlider, 1, 1);
    grid->addWidget(m_batchLabel, 1, 2);
    grid->addWidget(new QLabel(tr("Speed")), 2, 0);
    grid->addWidget(m_speedSlider, 2, 1);
    grid->addWidget(m_speedLabel, 2, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split, 1);
    layout->addLayout(buttons);
    layout->addLayout(grid);
    layout->addWidget(m_verdict);

    m_worker = new EscapeLessonWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &EscapeDemoView::computeRequested, m_worker, &EscapeLessonWorker::compute, Qt::QueuedConnection);
    connect(m_worker, &EscapeLessonWorker::ready, this, &EscapeDemoView::onReady, Qt::QueuedConnection);
    m_thread.setObjectName(QStringLiteral("escape lesson"));
    m_thread.start();

    m_timer.setInterval(1000 / kDefaultSpeed);
    connect(&m_timer, &QTimer::timeout, this, &EscapeDemoView::advance);
    m_recomputeDelay.setSingleShot(true);
    m_recomputeDelay.setInterval(kSliderDelayMs);
    connect(&m_recomputeDelay, &QTimer::timeout, this, &EscapeDemoView::recompute);
    connect(m_play, &QPushButton::clicked, this, [this] { isPlaying() ? pause() : play(); });
    connect(m_step, &QPushButton::clicked, this, &EscapeDemoView::stepOnce);
    connect(m_restart, &QPushButton::clicked, this, &EscapeDemoView::restart);
    connect(m_speedSlider, &QSlider::valueChanged, this, [this](int stepsPerSecond) {
        m_timer.setInterval(1000 / stepsPerSecond);
        m_speedLabel->setText(tr("%1 steps/s").arg(stepsPerSecond));
    });
    connect(m_etaSlider, &QSlider::valueChanged, this, &EscapeDemoView::onSliders);
    connect(m_batchSlider, &QSlider::valueChanged, this, &EscapeDemoView::onSliders);
    m_speedLabel->setText(tr("%1 steps/s").arg(kDefaultSpeed));
    showBounds();
    recompute();
}

EscapeDemoView::~EscapeDemoView()
{
    m_thread.quit();
    m_thread.wait();
}

QList<PlotPanel*> EscapeDemoView::plots() const { return {m_curve, m_diagram}; }

void EscapeDemoView::setTheme(const PlotTheme& theme)
{
    for (PlotPanel* plot : plots())
        plot->setTheme(theme);
}

double EscapeDemoView::eta() const { return m_etaSlider->value() / 100.0; }

int EscapeDemoView::batchSize() const { return m_batchSlider->value(); }

int EscapeDemoView::speed() const { return m_speedSlider->value(); }

void EscapeDemoView::setLesson(double eta, int batchSize)
{
    m_etaSlider->setValue(static_cast<int>(std::lround(eta * 100.0)));
    m_batchSlider->setValue(batchSize);
}

void EscapeDemoView::onSliders()
{
    // The bounds and verdicts move at once; the iterates follow from the worker.
    showBounds();
    m_hasResult = false;   // until the iterates for the new η and B arrive
    m_recomputeDelay.start();
}

void EscapeDemoView::showBounds()
{
    const double e = eta();
    const int b = batchSize();
    m_etaLabel->setText(QStringLiteral("η = %1").arg(e, 0, 'f', 2));
    m_batchLabel->setText(b == 2 ? tr("B = 2 (GD)") : tr("B = 1"));
    m_diagram->setLesson(e, b);
    const double sBound = core::nonUniformityBound(e, b, 2);
    QString text = tr("Bounds for η = %1, B = %2 of n = 2: a ≤ 2/η = %3, s ≤ %4.")
                       .arg(e, 0, 'f', 2)
                       .arg(b)
                       .arg(core::sharpnessBound(e), 0, 'f', 3)
                       .arg(std::isfinite(sBound) ? QString::number(sBound, 'f', 3) : tr("∞ (no noise)"));
    if (!m_diagram->minima().empty()) {
        QStringList verdicts;
        for (int i = 0; i < static_cast<int>(m_diagram->minima().size()); ++i)
            verdicts << tr("x = %1 is %2")
                            .arg(m_diagram->minima()[size_t(i)].x, 0, 'g', 3)
                            .arg(m_diagram->isStable(i) ? tr("stable") : tr("unstable"));
        text += QLatin1Char(' ') + verdicts.join(QStringLiteral(", ")) + tr(" for this optimizer.");
    }
    m_verdict->setText(text);
}

void EscapeDemoView::recompute()
{
    EscapeLessonRequest request;
    request.jobId = ++m_jobId;
    request.eta = eta();
    request.batchSize = batchSize();
    m_hasResult = false;
    Q_EMIT computeRequested(request);
}

void EscapeDemoView::onReady(const EscapeLessonResult& result)
{
    if (result.jobId != m_jobId)
        return;   // a slider moved since: a newer answer is on its way
    m_hasResult = true;
    if (!result.error.isEmpty()) {
        m_verdict->setText(tr("The lesson could not be computed: %1").arg(result.error));
        Q_EMIT lessonReady(result.error);
        return;
    }
    m_curve->setCurves(result.x, result.f1, result.f2, result.f);
    std::vector<EscapeStabilityDiagram::Minimum> minima;
    for (size_t i = 0; i < result.minimaX.size(); ++i)
        minima.push_back({result.minimaX[i], result.minimaA[i], result.minimaS[i]});
    m_diagram->setMinima(minima);
    m_curve->setPaths(result.gdX, result.gdLoss, result.sgdX, result.sgdLoss);
    m_curve->resetView();
    showBounds();   // the verdict line with the measured minima
    if (m_playWhenReady)
        play();
    Q_EMIT lessonReady(QString());
}

void EscapeDemoView::play()
{
    if (m_curve->step() >= m_curve->lastStep())
        m_curve->setStep(0);
    m_playWhenReady = true;
    m_timer.start();
    updateButtons();
}

void EscapeDemoView::pause()
{
    m_playWhenReady = false;
    m_timer.stop();
    updateButtons();
}

void EscapeDemoView::stepOnce()
{
    pause();
    m_curve->setStep(m_curve->step() + 1);
}

void EscapeDemoView::restart()
{
    m_curve->setStep(0);
    play();
}

void EscapeDemoView::advance()
{
    if (m_curve->step() >= m_curve->lastStep()) {
        m_timer.stop();
        updateButtons();
        return;
    }
    m_curve->setStep(m_curve->step() + 1);
}

void EscapeDemoView::updateButtons() { m_play->setText(isPlaying() ? tr("Pause") : tr("Play")); }

}   // namespace minimascope::ui
