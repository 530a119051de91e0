#include "panels/WhatIfPanel.h"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>

#include <algorithm>
#include <cmath>

namespace minimascope::ui {

namespace {

// Slider positions: fine enough that a drag looks continuous, on a log scale for both.
constexpr int kSliderSteps = 1000;
// The η slider spans the run's η divided and multiplied by these.
constexpr double kEtaBelow = 1000.0;
constexpr double kEtaAbove = 100.0;

}   // namespace

WhatIfPanel::WhatIfPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("whatIfPanel"));
    m_etaSpin = new QDoubleSpinBox;
    m_etaSpin->setObjectName(QStringLiteral("whatIfEta"));
    m_etaSpin->setDecimals(5);
    m_etaSpin->setRange(1e-5, 1e4);
    m_etaSpin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_etaSpin->setToolTip(tr("Learning rate η of the what-if: the bounds a ≤ 2/η "
                             "and s ≤ … move at once, the "
                             "run's minimum is then tested at this η"));
    m_batchSpin = new QSpinBox;
    m_batchSpin->setObjectName(QStringLiteral("whatIfBatch"));
    m_batchSpin->setToolTip(tr("Batch size B of the what-if (1 to n)"));
    const auto slider = [](const QString& name) {
        auto* s = new QSlider(Qt::Horizontal);
        s->setObjectName(name);
        s->setRange(0, kSliderSteps);
        return s;
    };
    m_etaSlider = slider(QStringLiteral("whatIfEtaSlider"));
    m_batchSlider = slider(QStringLiteral("whatIfBatchSlider"));
    m_reset = new QPushButton(tr("Run's own"));
    m_reset->setObjectName(QStringLiteral("whatIfReset"));
    m_reset->setToolTip(tr("Back to the η and B the run trained with"));
    m_verdict = new QLabel;
    m_verdict->setObjectName(QStringLiteral("whatIfVerdict"));
    m_verdict->setWordWrap(true);
    // A dock lays the panel out at its one-line size hint and would clip the wrapped verdict: the
    // verdict and the run's (a, s) each get their line.
    m_verdict->setMinimumHeight(2 * m_verdict->fontMetrics().lineSpacing());
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(6, 2, 6, 4);
    auto* title = new QLabel(tr("<b>What if</b>"));
    title->setToolTip(tr("Wu, Ma & E's Theorem for this run's minimum at another "
                         "η and B: λmax{(I − ηH)² + "
                         "η²(n − B)/(B(n − 1)) Σ} ≤ 1 is stable. You can also "
                         "drag the a = 2/η line."));
    grid->addWidget(title, 0, 0);
    grid->addWidget(new QLabel(tr("η")), 0, 1);
    grid->addWidget(m_etaSpin, 0, 2);
    grid->addWidget(m_etaSlider, 0, 3);
    grid->addWidget(m_reset, 0, 4);
    grid->addWidget(new QLabel(tr("B")), 1, 1);
    grid->addWidget(m_batchSpin, 1, 2);
    grid->addWidget(m_batchSlider, 1, 3);
    grid->addWidget(m_verdict, 2, 0, 1, 5);
    grid->setColumnStretch(3, 1);

    const auto changed = [this] {
        syncSliders();
        Q_EMIT valuesChanged(eta(), batchSize());
    };
    connect(m_etaSpin, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_batchSpin, &QSpinBox::valueChanged, this, changed);
    connect(m_etaSlider, &QSlider::valueChanged, this, &WhatIfPanel::onEtaSlider);
    connect(m_batchSlider, &QSlider::valueChanged, this, &WhatIfPanel::onBatchSlider);
    connect(m_reset, &QPushButton::clicked, this, [this] {
        {
            const QSignalBlocker blockEta(m_etaSpin);
            const QSignalBlocker blockBatch(m_batchSpin);
            m_etaSpin->setValue(m_runEta);
            m_batchSpin->setValue(int(m_runBatch));
        }
        syncSliders();
        Q_EMIT valuesChanged(eta(), batchSize());
    });
    setRun(m_runEta, m_runBatch, m_n);
}

void WhatIfPanel::setRun(double eta, qint64 batchSize, qint64 n)
{
    m_runEta = eta;
    m_runBatch = batchSize;
    m_n = std::max<qint64>(1, n);
    const QSignalBlocker blockEta(m_etaSpin);
    const QSignalBlocker blockBatch(m_batchSpin);
    m_batchSpin->setRange(1, int(m_n));
    m_etaSpin->setValue(eta);
    m_batchSpin->setValue(int(batchSize));
    syncSliders();
}

double WhatIfPanel::eta() const { return m_etaSpin->value(); }

qint64 WhatIfPanel::batchSize() const { return m_batchSpin->value(); }

void WhatIfPanel::setEta(double eta) { m_etaSpin->setValue(eta); }

void WhatIfPanel::setBatchSize(qint64 batchSize) { m_batchSpin->setValue(int(batchSize)); }

void WhatIfPanel::setVerdictText(const QString& text) { m_verdict->setText(text); }

QString WhatIfPanel::verdictText() const { return m_verdict->text(); }

void WhatIfPanel::syncSliders()
{
    m_syncing = true;
    const double low = std::log(m_runEta / kEtaBelow);
    const double high = std::log(m_runEta * kEtaAbove);
    m_etaSlider->setValue(int(std::lround(kSliderSteps * (std::log(eta()) - low) / (high - low))));
    const double logN = std::log(double(m_n));
    m_batchSlider->setEnabled(m_n > 1);
    m_batchSlider->setValue(m_n > 1 ? int(std::lround(kSliderSteps * std::log(double(batchSize())) / logN)) : 0);
    m_syncing = false;
}

void WhatIfPanel::onEtaSlider(int position)
{
    if (m_syncing)
        return;
    const double low = std::log(m_runEta / kEtaBelow);
    const double high = std::log(m_runEta * kEtaAbove);
    // Four significant digits: the spin box shows what the slider chose.
    const double eta = std::exp(low + (high - low) * position / kSliderSteps);
    setEta(QString::number(eta, 'g', 4).toDouble());
}

void WhatIfPanel::onBatchSlider(int position)
{
    if (m_syncing)
        return;
    setBatchSize(std::clamp<qint64>(std::llround(std::exp(std::log(double(m_n)) * position / kSliderSteps)), 1, m_n));
}

}   // namespace minimascope::ui
