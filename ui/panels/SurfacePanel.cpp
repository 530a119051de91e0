#include "panels/SurfacePanel.h"

#include "SurfaceView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace minimascope::ui {

namespace {

CameraPreset cameraPreset(int index)
{
    static const CameraPreset presets[] = {CameraPreset::Iso, CameraPreset::Top, CameraPreset::Front,
                                           CameraPreset::Side};
    return presets[qBound(0, index, 3)];
}

}   // namespace

SurfacePanel::SurfacePanel(QWidget* parent) : QWidget(parent)
{
    m_compute = new QPushButton(tr("Compute surface"));
    m_compute->setObjectName(QStringLiteral("computeSurface"));
    m_compute->setToolTip(tr("The training loss around the last run's parameters, coarse first"));
    // Items in SurfaceDirections order.
    m_directions = new QComboBox;
    m_directions->setObjectName(QStringLiteral("surfaceDirections"));
    m_directions->addItems({tr("random directions"), tr("top eigenvectors"), tr("PCA of the trajectory")});
    m_directions->setToolTip(tr("Two filter-normalized random directions (Li et al. 2018); the plane of the top two "
                                "Hessian eigenvectors (unit norm) with 1D slices along v₁ and along a random "
                                "direction; or the first two principal components of the run's snapshots, with "
                                "the path drawn on the surface and the range fitted to it"));
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
    m_centre = new QLabel;
    m_centre->setObjectName(QStringLiteral("surfaceCentre"));
    m_centre->setToolTip(tr("Click the loss curve to centre the surface on the snapshot nearest that iteration"));
    setCentreIteration(-1);
    m_scale = new QComboBox;
    m_scale->addItems({tr("linear"), tr("log")});
    m_scale->setToolTip(tr("Color scale"));
    m_contours = new QCheckBox(tr("contours"));
    m_contours->setChecked(true);
    m_camera = new QComboBox;
    m_camera->addItems({tr("iso"), tr("top"), tr("front"), tr("side")});
    m_camera->setToolTip(tr("Camera"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_compute);
    controls->addWidget(m_directions);
    controls->addWidget(m_resolution);
    controls->addWidget(m_range);
    controls->addWidget(m_centre);
    controls->addStretch(1);
    controls->addWidget(m_scale);
    controls->addWidget(m_contours);
    controls->addWidget(m_camera);
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(4, 4, 4, 4);
    m_layout->addLayout(controls);
    m_layout->addStretch(1);

    connect(m_compute, &QPushButton::clicked, this, [this] { Q_EMIT computeRequested(request()); });
    // The PCA plane fits its range to the projected path.
    connect(m_directions, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_range->setEnabled(index != static_cast<int>(SurfaceDirections::TrajectoryPca)); });
    connect(m_scale, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_view)
            m_view->setColorScale(index == 1 ? ColorScale::Log : ColorScale::Linear);
    });
    connect(m_contours, &QCheckBox::toggled, this, [this](bool on) {
        if (m_view)
            m_view->setContoursVisible(on);
    });
    connect(m_camera, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_view)
            m_view->setCameraPreset(cameraPreset(index));
    });
}

SurfaceView* SurfacePanel::surfaceView()
{
    if (!m_view) {
        m_view = new SurfaceView;
        m_view->setObjectName(QStringLiteral("surfaceView"));
        m_view->setMinimumSize(200, 160);
        m_view->setColorScale(m_scale->currentIndex() == 1 ? ColorScale::Log : ColorScale::Linear);
        m_view->setContoursVisible(m_contours->isChecked());
        m_view->setCameraPreset(cameraPreset(m_camera->currentIndex()));
        if (m_background.isValid())
            m_view->setColors(m_background, m_foreground);
        // Replaces the stretch that held its place.
        delete m_layout->takeAt(1);
        m_layout->addWidget(m_view, 1);
    }
    return m_view;
}

void SurfacePanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    // A dock tab behind another one gets a show event too (measured: at start-up); only a panel
    // that is really on screen creates the view.
    QTimer::singleShot(0, this, [this] {
        if (isVisible() && !visibleRegion().isEmpty())
            surfaceView();
    });
}

LandscapeRequest SurfacePanel::request() const
{
    LandscapeRequest r;
    r.directions = static_cast<SurfaceDirections>(m_directions->currentIndex());
    r.resolution = m_resolution->value();
    r.range = m_range->value();
    r.centreIteration = m_centreIteration;
    return r;
}

void SurfacePanel::setDirections(SurfaceDirections directions)
{
    m_directions->setCurrentIndex(static_cast<int>(directions));
}

void SurfacePanel::setCentreIteration(qint64 iteration)
{
    m_centreIteration = iteration;
    m_centre->setText(iteration < 0 ? tr("at the end of the run") : tr("at iteration %1").arg(iteration));
}

void SurfacePanel::setComputeEnabled(bool enabled) { m_compute->setEnabled(enabled); }

void SurfacePanel::setSurface(const SurfaceData& surface)
{
    m_surfaceData = surface;
    surfaceView()->setSurface(surface);
}

void SurfacePanel::setColors(const QColor& background, const QColor& foreground)
{
    m_background = background;
    m_foreground = foreground;
    if (m_view)
        m_view->setColors(background, foreground);
}

}   // namespace minimascope::ui
