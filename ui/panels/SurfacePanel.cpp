#include "panels/SurfacePanel.h"

#include "SurfaceView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace minimascope::ui {

SurfacePanel::SurfacePanel(QWidget* parent) : QWidget(parent)
{
    m_view = new SurfaceView;
    m_view->setObjectName(QStringLiteral("surfaceView"));
    m_view->setMinimumSize(200, 160);
    m_compute = new QPushButton(tr("Compute surface"));
    m_compute->setObjectName(QStringLiteral("computeSurface"));
    m_compute->setToolTip(tr("The training loss around the last run's parameters, coarse first"));
    m_topEigenvectors = new QCheckBox(tr("top eigenvectors"));
    m_topEigenvectors->setObjectName(QStringLiteral("topEigenvectors"));
    m_topEigenvectors->setToolTip(tr("Plane of the top two Hessian eigenvectors (unit norm) and 1D slices along v₁ "
                                     "and along a random direction; otherwise two filter-normalized random "
                                     "directions (Li et al. 2018)"));
    m_resolution = new QSpinBox;
    m_resolution->setObjectName(QStringLiteral("surfaceResolution"));
    m_resolution->setRange(5, 201);
    m_resolution->setValue(31);
    m_resolution->setSuffix(tr(" pts"));
    m_resolution->setToolTip(tr("Grid points a side"));
    m_range = new QDoubleSpinBox;
    m_range->setObjectName(QStringLiteral("surfaceRange"));
    m_range->setRange(0.01, 100.0);
    m_range->setDecimals(2);
    m_range->setValue(1.0);
    m_range->setPrefix(tr("± "));
    m_range->setToolTip(tr("α and β range, in multiples of the directions"));
    auto* scale = new QComboBox;
    scale->addItems({tr("linear"), tr("log")});
    scale->setToolTip(tr("Color scale"));
    auto* contours = new QCheckBox(tr("contours"));
    contours->setChecked(true);
    auto* camera = new QComboBox;
    camera->addItems({tr("iso"), tr("top"), tr("front"), tr("side")});
    camera->setToolTip(tr("Camera"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_compute);
    controls->addWidget(m_topEigenvectors);
    controls->addWidget(m_resolution);
    controls->addWidget(m_range);
    controls->addStretch(1);
    controls->addWidget(scale);
    controls->addWidget(contours);
    controls->addWidget(camera);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_view, 1);

    connect(m_compute, &QPushButton::clicked, this, [this] { Q_EMIT computeRequested(request()); });
    connect(scale, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_view->setColorScale(index == 1 ? ColorScale::Log : ColorScale::Linear); });
    connect(contours, &QCheckBox::toggled, m_view, &SurfaceView::setContoursVisible);
    connect(camera, &QComboBox::currentIndexChanged, this, [this](int index) {
        static const CameraPreset presets[] = {CameraPreset::Iso, CameraPreset::Top, CameraPreset::Front,
                                               CameraPreset::Side};
        m_view->setCameraPreset(presets[qBound(0, index, 3)]);
    });
}

LandscapeRequest SurfacePanel::request() const
{
    LandscapeRequest r;
    r.topEigenvectors = m_topEigenvectors->isChecked();
    r.resolution = m_resolution->value();
    r.range = m_range->value();
    return r;
}

void SurfacePanel::setComputeEnabled(bool enabled)
{
    m_compute->setEnabled(enabled);
}

void SurfacePanel::setSurface(const SurfaceData& surface)
{
    m_view->setSurface(surface);
}

void SurfacePanel::setColors(const QColor& background, const QColor& foreground)
{
    m_view->setColors(background, foreground);
}

} // namespace minimascope::ui
