#include "dialogs/AsymmetryDialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace minimascope::ui {

namespace {

QSpinBox* integerField(const char* name, int low, int high, qint64 value, const QString& tip)
{
    auto* box = new QSpinBox;
    box->setObjectName(QLatin1String(name));
    box->setRange(low, high);
    box->setValue(int(value));
    box->setToolTip(tip);
    return box;
}

QDoubleSpinBox* realField(const char* name, double low, double high, double value, const QString& tip)
{
    auto* box = new QDoubleSpinBox;
    box->setObjectName(QLatin1String(name));
    box->setRange(low, high);
    box->setDecimals(3);
    box->setSingleStep(0.1);
    box->setValue(value);
    box->setToolTip(tip);
    return box;
}

}   // namespace

AsymmetryDialog::AsymmetryDialog(const AsymmetryRequest& last, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Asymmetric valleys"));
    setObjectName(QStringLiteral("asymmetryDialog"));
    m_count = integerField("asymmetryCount", 1, 1000, last.count,
                           tr("Random filter-normalized directions to scan (K); direction k uses seed + k"));
    m_points = integerField("asymmetryPoints", 2, 200, last.points,
                            tr("Samples a side, evenly over [ζ, r]: each costs one full-data gradient"));
    m_zeta = realField("asymmetryZeta", 0.001, 100.0, last.zeta,
                       tr("ζ: the neighbourhood of the minimum left out, where every slope is small"));
    m_radius = realField("asymmetryRadius", 0.001, 100.0, last.radius,
                         tr("r: the outer distance, in units of the direction (1 moves every filter by its norm)"));
    m_p = realField("asymmetryP", 0.0, 1000.0, last.p,
                    tr("p: the flat side's slopes stay below p, the sharp side's above c·p; 0 lets p be any value"));
    m_p->setSpecialValueText(tr("any"));
    m_c = realField("asymmetryC", 1.001, 1000.0, last.c, tr("c > 1: how much steeper the sharp side must be"));
    m_seed = integerField("asymmetrySeed", 0, 1000000, qint64(last.seed), tr("Seed of the first direction"));
    m_subset = integerField("asymmetrySubset", 0, 100000000, last.subset,
                            tr("The loss over the first N training examples (all: the run's training loss)"));
    m_subset->setSpecialValueText(tr("all"));
    auto* explanation = new QLabel(
        tr("He, Huang & Yuan (2019): along many directions through a minimum the loss rises steeply on one side "
           "and slowly on the other. A direction is (r, p, c, ζ)-asymmetric when, at every sampled distance in "
           "[ζ, r], the outward slope on its flat side is below p and on its sharp side above c·p. The histogram "
           "shows each direction's ratio of the two; the curves, the most asymmetric directions."));
    explanation->setWordWrap(true);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("asymmetryError"));
    m_error->setStyleSheet(QStringLiteral("color: #c0392b"));

    auto* form = new QFormLayout;
    form->addRow(tr("Directions K"), m_count);
    form->addRow(tr("Samples a side"), m_points);
    form->addRow(tr("Inner distance ζ"), m_zeta);
    form->addRow(tr("Outer distance r"), m_radius);
    form->addRow(tr("Slope bound p"), m_p);
    form->addRow(tr("Ratio c"), m_c);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Examples"), m_subset);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_compute = buttons->button(QDialogButtonBox::Ok);
    m_compute->setText(tr("Scan"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(explanation);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    connect(m_zeta, &QDoubleSpinBox::valueChanged, this, &AsymmetryDialog::check);
    connect(m_radius, &QDoubleSpinBox::valueChanged, this, &AsymmetryDialog::check);
    check();
}

void AsymmetryDialog::check()
{
    // The other constraints of core::validateAsymmetryOptions are the fields' ranges.
    const bool ok = m_zeta->value() < m_radius->value();
    m_error->setText(ok ? QString() : tr("The inner distance ζ must be smaller than the outer distance r."));
    m_compute->setEnabled(ok);
}

AsymmetryRequest AsymmetryDialog::request() const
{
    AsymmetryRequest request;
    request.count = m_count->value();
    request.points = m_points->value();
    request.zeta = m_zeta->value();
    request.radius = m_radius->value();
    request.p = m_p->value();
    request.c = m_c->value();
    request.seed = quint64(m_seed->value());
    request.subset = m_subset->value();
    return request;
}

}   // namespace minimascope::ui
