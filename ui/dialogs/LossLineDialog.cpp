#include "dialogs/LossLineDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>

namespace minimascope::ui {

namespace {

constexpr LossLineKind kKinds[] = {LossLineKind::WeightScale, LossLineKind::InitialToFinal,
                                   LossLineKind::SymmetricTwin};

QString explanation(LossLineKind kind)
{
    switch (kind) {
    case LossLineKind::WeightScale:
        return LossLineDialog::tr("Im, Tao & Branson (2016): every parameter multiplied by α. α = 0 is the origin of "
                                  "weight space, α = 1 the run's parameters θ; how wide a range of α keeps the loss "
                                  "low is the size of the basin along θ.");
    case LossLineKind::InitialToFinal:
        return LossLineDialog::tr("Goodfellow, Vinyals & Saxe (2015): L((1 − α)·θ₀ + α·θ) from the run's initial "
                                  "parameters θ₀ (α = 0) to its final ones θ (α = 1). A monotone fall means SGD "
                                  "crossed no barrier on the straight path.");
    case LossLineKind::SymmetricTwin:
        return LossLineDialog::tr("Chen et al. (1993), Hamey (1998): permuting an MLP's hidden units (and, for tanh, "
                                  "flipping their signs) gives another point computing the same function. α = 1 is "
                                  "that twin: the line between the two shows the barrier between symmetric "
                                  "solutions.");
    }
    return {};
}

int indexOf(LossLineKind kind)
{
    return int(std::find(std::begin(kKinds), std::end(kKinds), kind) - std::begin(kKinds));
}

}   // namespace

LossLineDialog::LossLineDialog(const Availability& availability, const LossLineRequest& last, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Loss along a line"));
    setObjectName(QStringLiteral("lossLineDialog"));
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("lossLineKind"));
    auto* model = new QStandardItemModel(m_kind);
    for (LossLineKind kind : kKinds) {
        auto* item = new QStandardItem(toString(kind));
        const QString reason = kind == LossLineKind::InitialToFinal  ? availability.noInitialReason
                               : kind == LossLineKind::SymmetricTwin ? availability.noTwinReason
                                                                     : QString();
        item->setEnabled(reason.isEmpty());
        item->setToolTip(reason.isEmpty() ? explanation(kind) : reason);
        model->appendRow(item);
    }
    m_kind->setModel(model);
    const auto spin = [](const char* name, double low, double high) {
        auto* box = new QDoubleSpinBox;
        box->setObjectName(QLatin1String(name));
        box->setRange(low, high);
        box->setDecimals(3);
        box->setSingleStep(0.1);
        return box;
    };
    m_alphaMin = spin("lossLineAlphaMin", -100.0, 100.0);
    m_alphaMax = spin("lossLineAlphaMax", -100.0, 100.0);
    m_points = new QSpinBox;
    m_points->setObjectName(QStringLiteral("lossLinePoints"));
    m_points->setRange(2, 1001);
    m_points->setValue(last.points);
    m_points->setToolTip(tr("Points evenly spaced over the range, both ends included"));
    m_seed = new QSpinBox;
    m_seed->setObjectName(QStringLiteral("lossLineSeed"));
    m_seed->setRange(0, 1000000);
    m_seed->setValue(int(last.seed));
    m_seed->setToolTip(tr("Seed of the random hidden-unit permutation (minimascope-cli landscape --seed)"));
    m_subset = new QSpinBox;
    m_subset->setObjectName(QStringLiteral("lossLineSubset"));
    m_subset->setRange(0, 100000000);
    m_subset->setSpecialValueText(tr("all"));
    m_subset->setValue(int(last.subset));
    m_subset->setToolTip(tr("The loss over the first N training examples (all: the run's training loss)"));
    m_recomputeBatchNorm = new QCheckBox(tr("Recompute BatchNorm statistics at each point"));
    m_recomputeBatchNorm->setObjectName(QStringLiteral("lossLineRecomputeBatchNorm"));
    m_recomputeBatchNorm->setChecked(last.recomputeBatchNorm);
    m_recomputeBatchNorm->setEnabled(availability.batchNorm);
    m_recomputeBatchNorm->setToolTip(availability.batchNorm
                                         ? tr("The stored running statistics belong to the run's parameters, not to "
                                              "the other points of the line (--recompute-bn). The line to the twin "
                                              "always recomputes them.")
                                         : tr("The model has no BatchNorm."));
    m_explanation = new QLabel;
    m_explanation->setWordWrap(true);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("lossLineError"));
    m_error->setStyleSheet(QStringLiteral("color: #c0392b"));

    auto* range = new QHBoxLayout;
    range->addWidget(m_alphaMin);
    range->addWidget(new QLabel(tr("to")));
    range->addWidget(m_alphaMax);
    auto* form = new QFormLayout;
    form->addRow(tr("Line"), m_kind);
    form->addRow(tr("α from"), range);
    form->addRow(tr("Points"), m_points);
    form->addRow(tr("Twin's seed"), m_seed);
    form->addRow(tr("Examples"), m_subset);
    form->addRow(m_recomputeBatchNorm);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_compute = buttons->button(QDialogButtonBox::Ok);
    m_compute->setText(tr("Compute"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_explanation);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    // The last request's kind and range, when the run allows that kind; else the default line.
    const int lastIndex = indexOf(last.kind);
    const bool lastAllowed = model->item(lastIndex)->isEnabled();
    m_kind->setCurrentIndex(lastAllowed ? lastIndex : indexOf(LossLineKind::WeightScale));
    onKindChanged();
    if (lastAllowed) {
        m_alphaMin->setValue(last.alphaMin);
        m_alphaMax->setValue(last.alphaMax);
    }
    connect(m_kind, &QComboBox::currentIndexChanged, this, &LossLineDialog::onKindChanged);
    connect(m_alphaMin, &QDoubleSpinBox::valueChanged, this, &LossLineDialog::check);
    connect(m_alphaMax, &QDoubleSpinBox::valueChanged, this, &LossLineDialog::check);
    check();
}

void LossLineDialog::setKind(LossLineKind kind)
{
    const int index = indexOf(kind);
    if (static_cast<QStandardItemModel*>(m_kind->model())->item(index)->isEnabled())
        m_kind->setCurrentIndex(index);
}

void LossLineDialog::onKindChanged()
{
    const LossLineKind kind = kKinds[m_kind->currentIndex()];
    double alphaMin = 0.0, alphaMax = 1.0;
    defaultLossLineRange(kind, &alphaMin, &alphaMax);
    m_alphaMin->setValue(alphaMin);
    m_alphaMax->setValue(alphaMax);
    m_seed->setEnabled(kind == LossLineKind::SymmetricTwin);
    m_explanation->setText(explanation(kind));
    check();
}

void LossLineDialog::check()
{
    const bool ok = m_alphaMin->value() < m_alphaMax->value();
    m_error->setText(ok ? QString() : tr("α from must be smaller than α to."));
    m_compute->setEnabled(ok);
}

LossLineRequest LossLineDialog::request() const
{
    LossLineRequest request;
    request.kind = kKinds[m_kind->currentIndex()];
    request.alphaMin = m_alphaMin->value();
    request.alphaMax = m_alphaMax->value();
    request.points = m_points->value();
    request.seed = quint64(m_seed->value());
    request.subset = m_subset->value();
    request.recomputeBatchNorm = m_recomputeBatchNorm->isChecked();
    return request;
}

}   // namespace minimascope::ui
