#include "SurfaceScene.h"

#include "SceneText.h"
#include "SurfaceFill.h"

#include <QDebug>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkColorTransferFunction.h>
#include <vtkContourFilter.h>
#include <vtkCubeAxesActor.h>
#include <vtkDoubleArray.h>
#include <vtkLineSource.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataNormals.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSphereSource.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {
namespace {

constexpr int kContourCount = 12;
constexpr int kColorCount = 256;
// Heights are scaled so that the relief is this fraction of the grid's larger side: the value
// range and the (alpha, beta) range have unrelated units, and this keeps the shape readable.
constexpr double kReliefToExtent = 0.5;
// The minimizer is marked by a pin: a stem standing on it with a ball on top, so that it stays
// visible at the bottom of a narrow valley.
constexpr double kMarkerRadiusToExtent = 0.02;
constexpr double kPinHeightToExtent = 0.12;
// The trajectory and the contour lines are lifted a little so that the surface's own polygons do
// not hide them (polygon offset alone leaves dashed lines at grazing angles).
constexpr double kTrajectoryLiftToExtent = 0.006;
constexpr double kContourLiftToExtent = 0.002;
// How much of the view the surface fills after a preset (1 = bounding sphere touches the edge).
constexpr double kPresetZoom = 1.0;
// Shifts the surface left, clear of the scalar bar, and up, leaving room for the axis labels
// below it (fractions of the half viewport).
constexpr double kWindowCenterX = 0.16;
constexpr double kWindowCenterY = -0.08;

// Text and line sizes are chosen for views up to this height; larger exports scale them.
constexpr double kReferenceImageHeight = 600.0;

// Viridis: perceptually uniform and still ordered when printed in grey.
constexpr double kViridis[][4] = {{0.00, 0.267, 0.005, 0.329},
                                  {0.25, 0.229, 0.322, 0.546},
                                  {0.50, 0.128, 0.567, 0.551},
                                  {0.75, 0.369, 0.789, 0.383},
                                  {1.00, 0.993, 0.906, 0.144}};

constexpr double kMarkerColor[3] = {0.90, 0.10, 0.12};
constexpr double kTrajectoryColor[3] = {1.00, 0.45, 0.10};

bool sameGrid(const SurfaceData& a, const SurfaceData& b) { return a.xs == b.xs && a.ys == b.ys; }

bool sameExtent(const SurfaceData& a, const SurfaceData& b)
{
    return a.nx() > 0 && b.nx() > 0 && a.ny() > 0 && b.ny() > 0 && a.xs.front() == b.xs.front()
           && a.xs.back() == b.xs.back() && a.ys.front() == b.ys.front() && a.ys.back() == b.ys.back();
}

}   // namespace

struct SurfaceScene::Impl {
    SurfaceData data;
    std::vector<double> filled;
    bool hasSurface = false;
    bool cameraPlaced = false;
    ColorScale scale = ColorScale::Linear;
    bool logActive = false;   // Log requested and some value is positive
    bool contoursVisible = true;
    bool heightAxisVisible = true;   // not from above (Top preset)
    double low = 0.0;                // color range, value units
    double high = 1.0;
    double zScale = 1.0;
    double extent = 1.0;   // larger side of the grid
    std::optional<QPoint> minimizer;

    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkPoints> surfacePoints;
    vtkNew<vtkDoubleArray> surfaceValues;
    vtkNew<vtkPolyData> surface;
    vtkNew<vtkPolyDataNormals> normals;
    vtkNew<vtkLookupTable> lookupTable;
    vtkNew<vtkPolyDataMapper> surfaceMapper;
    vtkNew<vtkActor> surfaceActor;
    vtkNew<vtkContourFilter> contours;
    vtkNew<vtkPolyDataMapper> contourMapper;
    vtkNew<vtkActor> contourActor;
    vtkNew<vtkLineSource> stem;
    vtkNew<vtkPolyDataMapper> stemMapper;
    vtkNew<vtkActor> stemActor;
    vtkNew<vtkSphereSource> marker;
    vtkNew<vtkPolyDataMapper> markerMapper;
    vtkNew<vtkActor> markerActor;
    vtkNew<vtkPolyData> trajectory;
    vtkNew<vtkPolyDataMapper> trajectoryMapper;
    vtkNew<vtkActor> trajectoryActor;
    vtkNew<vtkScalarBarActor> scalarBar;
    vtkNew<vtkCubeAxesActor> axes;

    Impl();
    double transform(double value) const { return logActive ? std::log10(std::max(value, low)) : value; }
    double height(double value) const { return zScale * (transform(value) - transform(low)); }
    void rebuildGrid();
    void updateRange();
    void updateSurface();
    void updateContours();
    void updateMarker();
    void updateTrajectory();
    void updateAxes();
    void refresh();
    void setPixelScale(double scale);
    void setVisible(bool visible);
    void placeCamera(CameraPreset preset);
    void updateHeightAxis()
    {
        axes->SetZAxisVisibility(heightAxisVisible);
        axes->SetZAxisTickVisibility(heightAxisVisible);
        axes->SetZAxisLabelVisibility(heightAxisVisible && !logActive);
    }
};

SurfaceScene::Impl::Impl()
{
    vtkNew<vtkColorTransferFunction> viridis;
    for (const auto& stop : kViridis)
        viridis->AddRGBPoint(stop[0], stop[1], stop[2], stop[3]);
    lookupTable->SetNumberOfTableValues(kColorCount);
    for (int k = 0; k < kColorCount; ++k) {
        double rgb[3];
        viridis->GetColor(static_cast<double>(k) / (kColorCount - 1), rgb);
        lookupTable->SetTableValue(k, rgb[0], rgb[1], rgb[2], 1.0);
    }

    surfaceValues->SetName("value");
    surface->SetPoints(surfacePoints);
    surface->GetPointData()->SetScalars(surfaceValues);
    normals->SetInputData(surface);
    normals->SplittingOff();
    surfaceMapper->SetInputConnection(normals->GetOutputPort());
    surfaceMapper->SetLookupTable(lookupTable);
    surfaceMapper->UseLookupTableScalarRangeOn();
    surfaceMapper->InterpolateScalarsBeforeMappingOn();
    surfaceActor->SetMapper(surfaceMapper);
    // Some ambient light keeps the dark (low) end of viridis readable on faces turned away.
    surfaceActor->GetProperty()->SetAmbient(0.25);
    surfaceActor->GetProperty()->SetDiffuse(0.8);
    surfaceActor->GetProperty()->SetSpecular(0.15);
    surfaceActor->GetProperty()->SetSpecularPower(20.0);

    contours->SetInputData(surface);
    contours->ComputeScalarsOff();
    contours->ComputeNormalsOff();
    contourMapper->SetInputConnection(contours->GetOutputPort());
    contourMapper->ScalarVisibilityOff();
    contourActor->SetMapper(contourMapper);
    contourActor->GetProperty()->SetColor(0.08, 0.08, 0.08);
    contourActor->GetProperty()->LightingOff();

    stemMapper->SetInputConnection(stem->GetOutputPort());
    stemActor->SetMapper(stemMapper);
    stemActor->GetProperty()->SetColor(kMarkerColor[0], kMarkerColor[1], kMarkerColor[2]);
    stemActor->GetProperty()->RenderLinesAsTubesOn();
    marker->SetThetaResolution(24);
    marker->SetPhiResolution(16);
    markerMapper->SetInputConnection(marker->GetOutputPort());
    markerActor->SetMapper(markerMapper);
    markerActor->GetProperty()->SetColor(kMarkerColor[0], kMarkerColor[1], kMarkerColor[2]);

    trajectoryMapper->SetInputData(trajectory);
    trajectoryActor->SetMapper(trajectoryMapper);
    trajectoryActor->GetProperty()->SetColor(kTrajectoryColor[0], kTrajectoryColor[1], kTrajectoryColor[2]);
    trajectoryActor->GetProperty()->RenderLinesAsTubesOn();

    scalarBar->SetLookupTable(lookupTable);
    scalarBar->SetNumberOfLabels(5);
    scalarBar->SetLabelFormat("%.3g");
    scalarBar->SetPosition(0.86, 0.12);
    scalarBar->SetWidth(0.1);
    scalarBar->SetHeight(0.76);
    scalarBar->SetBarRatio(0.3);
    scalarBar->UnconstrainedFontSizeOn();

    axes->SetCamera(renderer->GetActiveCamera());
    axes->SetFlyModeToOuterEdges();
    axes->SetUse2DMode(1);
    axes->XAxisMinorTickVisibilityOff();
    axes->YAxisMinorTickVisibilityOff();
    axes->ZAxisMinorTickVisibilityOff();

    for (vtkProp* prop : std::initializer_list<vtkProp*>{surfaceActor, contourActor, stemActor, markerActor,
                                                         trajectoryActor, scalarBar, axes})
        renderer->AddViewProp(prop);
    setVisible(false);
    setPixelScale(1.0);
}

void SurfaceScene::Impl::setPixelScale(double scale)
{
    contourActor->GetProperty()->SetLineWidth(static_cast<float>(1.5 * scale));
    stemActor->GetProperty()->SetLineWidth(static_cast<float>(3.0 * scale));
    trajectoryActor->GetProperty()->SetLineWidth(static_cast<float>(4.0 * scale));
    scalarBar->SetMaximumWidthInPixels(static_cast<int>(110 * scale));
    scalarBar->GetTitleTextProperty()->SetFontSize(static_cast<int>(std::lround(16 * scale)));
    scalarBar->GetLabelTextProperty()->SetFontSize(static_cast<int>(std::lround(13 * scale)));
    // The axes' text grows more slowly: in VTK's 2D mode the gap between labels and titles is
    // fixed in pixels, and text scaled fully would run into it.
    const double axisTextScale = std::sqrt(scale);
    for (int axis = 0; axis < 3; ++axis) {
        axes->GetTitleTextProperty(axis)->SetFontSize(static_cast<int>(std::lround(16 * axisTextScale)));
        axes->GetLabelTextProperty(axis)->SetFontSize(static_cast<int>(std::lround(13 * axisTextScale)));
    }
}

void SurfaceScene::Impl::setVisible(bool visible)
{
    surfaceActor->SetVisibility(visible);
    contourActor->SetVisibility(visible && contoursVisible);
    markerActor->SetVisibility(visible && minimizer.has_value());
    stemActor->SetVisibility(visible && minimizer.has_value());
    trajectoryActor->SetVisibility(visible && !data.trajectory.empty());
    scalarBar->SetVisibility(visible);
    axes->SetVisibility(visible);
}

// Recomputes everything that depends on the values or the color scale, in place.
void SurfaceScene::Impl::refresh()
{
    updateRange();
    hasSurface = minimizer.has_value();
    if (hasSurface) {
        updateSurface();
        updateContours();
        updateMarker();
        updateTrajectory();
        updateAxes();
    }
    setVisible(hasSurface);
}

void SurfaceScene::Impl::rebuildGrid()
{
    const int nx = data.nx();
    const int ny = data.ny();
    surfacePoints->SetNumberOfPoints(static_cast<vtkIdType>(nx) * ny);
    surfaceValues->SetNumberOfValues(static_cast<vtkIdType>(nx) * ny);
    vtkNew<vtkCellArray> quads;
    quads->AllocateExact(static_cast<vtkIdType>(nx - 1) * (ny - 1), static_cast<vtkIdType>(nx - 1) * (ny - 1) * 4);
    for (int j = 0; j + 1 < ny; ++j) {
        for (int i = 0; i + 1 < nx; ++i) {
            const vtkIdType k = static_cast<vtkIdType>(j) * nx + i;
            const vtkIdType quad[4] = {k, k + 1, k + nx + 1, k + nx};
            quads->InsertNextCell(4, quad);
        }
    }
    surface->SetPolys(quads);
    extent = std::max(data.xs.back() - data.xs.front(), data.ys.back() - data.ys.front());
    contourActor->SetPosition(0.0, 0.0, kContourLiftToExtent * extent);
}

void SurfaceScene::Impl::updateRange()
{
    double minValue = std::numeric_limits<double>::infinity();
    double maxValue = -std::numeric_limits<double>::infinity();
    double minPositive = std::numeric_limits<double>::infinity();
    minimizer.reset();
    for (int j = 0; j < data.ny(); ++j) {
        for (int i = 0; i < data.nx(); ++i) {
            const double v = data.at(i, j);
            if (!std::isfinite(v))
                continue;
            if (v < minValue) {
                minValue = v;
                minimizer = QPoint(i, j);
            }
            maxValue = std::max(maxValue, v);
            if (v > 0.0)
                minPositive = std::min(minPositive, v);
        }
    }
    logActive = scale == ColorScale::Log && maxValue > 0.0;
    low = logActive ? minPositive : minValue;
    high = maxValue;
    if (!(high > low)) {   // a flat surface still needs a non-empty range
        low = logActive ? low / 2.0 : low - 0.5;
        high = logActive ? high * 2.0 : high + 0.5;
    }
    zScale = kReliefToExtent * extent / (transform(high) - transform(low));
    lookupTable->SetRange(low, high);
    if (logActive)
        lookupTable->SetScaleToLog10();
    else
        lookupTable->SetScaleToLinear();
}

void SurfaceScene::Impl::updateSurface()
{
    const int nx = data.nx();
    for (int j = 0; j < data.ny(); ++j) {
        for (int i = 0; i < nx; ++i) {
            const vtkIdType k = static_cast<vtkIdType>(j) * nx + i;
            const double v = filled[static_cast<size_t>(k)];
            surfacePoints->SetPoint(k, data.xs[i], data.ys[j], height(v));
            surfaceValues->SetValue(k, logActive ? std::max(v, low) : v);
        }
    }
    surfacePoints->Modified();
    surfaceValues->Modified();
    surface->Modified();
}

void SurfaceScene::Impl::updateContours()
{
    contours->SetNumberOfContours(kContourCount);
    for (int k = 0; k < kContourCount; ++k) {
        const double t = static_cast<double>(k + 1) / (kContourCount + 1);
        const double level = logActive ? std::pow(10.0, (1 - t) * std::log10(low) + t * std::log10(high))
                                       : (1 - t) * low + t * high;
        contours->SetValue(k, level);
    }
}

void SurfaceScene::Impl::updateMarker()
{
    if (!minimizer)
        return;
    const double v = data.at(minimizer->x(), minimizer->y());
    const double x = data.xs[minimizer->x()];
    const double y = data.ys[minimizer->y()];
    const double top = height(v) + kPinHeightToExtent * extent;
    stem->SetPoint1(x, y, height(v));
    stem->SetPoint2(x, y, top);
    marker->SetCenter(x, y, top);
    marker->SetRadius(kMarkerRadiusToExtent * extent);
}

void SurfaceScene::Impl::updateTrajectory()
{
    vtkNew<vtkPoints> points;
    for (const QPointF& p : data.trajectory) {
        const double z = height(interpolateFilled(data, filled, p.x(), p.y())) + kTrajectoryLiftToExtent * extent;
        points->InsertNextPoint(p.x(), p.y(), z);
    }
    vtkNew<vtkCellArray> line;
    if (points->GetNumberOfPoints() >= 2) {
        line->InsertNextCell(points->GetNumberOfPoints());
        for (vtkIdType k = 0; k < points->GetNumberOfPoints(); ++k)
            line->InsertCellPoint(k);
    }
    trajectory->SetPoints(points);
    trajectory->SetLines(line);
}

void SurfaceScene::Impl::updateAxes()
{
    axes->SetBounds(data.xs.front(), data.xs.back(), data.ys.front(), data.ys.back(), 0.0, height(high));
    axes->SetZAxisRange(transform(low), transform(high));
    axes->SetXTitle(data.xLabel.toUtf8().constData());
    axes->SetYTitle(data.yLabel.toUtf8().constData());
    // The height is the value: the scalar bar names it, and a third title would sit on the
    // height labels. VTK labels an axis linearly only (it also picks the label formats itself),
    // so on a log scale the scalar bar alone gives the values.
    axes->SetZTitle("");
    updateHeightAxis();
    const QString barTitle = logActive ? QStringLiteral("%1 (log)").arg(data.valueLabel) : data.valueLabel;
    scalarBar->SetTitle(barTitle.toUtf8().constData());
}

void SurfaceScene::Impl::placeCamera(CameraPreset preset)
{
    double direction[3] = {-0.9, -1.5, 1.1};
    double up[3] = {0.0, 0.0, 1.0};
    switch (preset) {
    case CameraPreset::Iso: break;
    case CameraPreset::Top:
        direction[0] = 0.0, direction[1] = 0.0, direction[2] = 1.0;
        up[1] = 1.0, up[2] = 0.0;
        break;
    case CameraPreset::Front: direction[0] = 0.0, direction[1] = -1.0, direction[2] = 0.0; break;
    case CameraPreset::Side: direction[0] = 1.0, direction[1] = 0.0, direction[2] = 0.0; break;
    }
    double bounds[6] = {0.0, 1.0, 0.0, 1.0, 0.0, 1.0};
    if (hasSurface) {
        bounds[0] = data.xs.front(), bounds[1] = data.xs.back();
        bounds[2] = data.ys.front(), bounds[3] = data.ys.back();
        bounds[5] = height(high);
    }
    const double center[3] = {(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2};
    vtkCamera* camera = renderer->GetActiveCamera();
    camera->SetFocalPoint(center);
    camera->SetPosition(center[0] + direction[0], center[1] + direction[1], center[2] + direction[2]);
    camera->SetViewUp(up);
    camera->SetWindowCenter(kWindowCenterX, kWindowCenterY);
    // Views along an axis read like maps and profiles: no perspective, no height axis from above.
    camera->SetParallelProjection(preset != CameraPreset::Iso);
    heightAxisVisible = preset != CameraPreset::Top;
    updateHeightAxis();
    renderer->ResetCamera(bounds);
    camera->Zoom(kPresetZoom);
}

SurfaceScene::SurfaceScene() : m_impl(std::make_unique<Impl>()) { setColors(Qt::white, QColor(40, 40, 40)); }

SurfaceScene::~SurfaceScene() = default;

void SurfaceScene::setSurface(const SurfaceData& data)
{
    Impl& d = *m_impl;
    if (!data.isValid()) {
        qWarning("SurfaceScene: a surface needs ascending coordinates, at least 2x2 points and nx*ny values");
        d.hasSurface = false;
        d.setVisible(false);
        return;
    }
    const bool keepCamera = d.cameraPlaced && sameExtent(d.data, data);
    const bool regrid = !d.hasSurface || !sameGrid(d.data, data);
    d.data = data;
    if (regrid)
        d.rebuildGrid();
    d.filled = fillMissingValues(d.data);
    d.refresh();
    if (d.hasSurface && !keepCamera) {
        d.placeCamera(CameraPreset::Iso);
        d.cameraPlaced = true;
    }
}

bool SurfaceScene::hasSurface() const { return m_impl->hasSurface; }

void SurfaceScene::setColorScale(ColorScale scale)
{
    Impl& d = *m_impl;
    d.scale = scale;
    if (d.hasSurface)
        d.refresh();
}

ColorScale SurfaceScene::colorScale() const { return m_impl->scale; }

void SurfaceScene::setContoursVisible(bool visible)
{
    m_impl->contoursVisible = visible;
    m_impl->setVisible(m_impl->hasSurface);
}

bool SurfaceScene::contoursVisible() const { return m_impl->contoursVisible; }

void SurfaceScene::setCameraPreset(CameraPreset preset)
{
    m_impl->placeCamera(preset);
    m_impl->cameraPlaced = true;
}

void SurfaceScene::setColors(const QColor& background, const QColor& foreground)
{
    Impl& d = *m_impl;
    d.renderer->SetBackground(background.redF(), background.greenF(), background.blueF());
    const double fg[3] = {foreground.redF(), foreground.greenF(), foreground.blueF()};
    for (vtkTextProperty* text : {d.scalarBar->GetTitleTextProperty(), d.scalarBar->GetLabelTextProperty()})
        styleSceneText(text, fg);
    for (int axis = 0; axis < 3; ++axis) {
        for (vtkTextProperty* text : {d.axes->GetTitleTextProperty(axis), d.axes->GetLabelTextProperty(axis)})
            styleSceneText(text, fg);
    }
    for (vtkProperty* line :
         {d.axes->GetXAxesLinesProperty(), d.axes->GetYAxesLinesProperty(), d.axes->GetZAxesLinesProperty()})
        line->SetColor(fg[0], fg[1], fg[2]);
}

void SurfaceScene::setPixelScale(double scale) { m_impl->setPixelScale(std::clamp(scale, 0.5, 8.0)); }

double SurfaceScene::pixelScaleFor(const QSize& size) { return std::max(1.0, size.height() / kReferenceImageHeight); }

vtkRenderer* SurfaceScene::renderer() const { return m_impl->renderer; }

void SurfaceScene::prepareRender() { m_impl->renderer->ResetCameraClippingRange(); }

std::optional<QPoint> SurfaceScene::minimizerIndex() const { return m_impl->minimizer; }

std::array<double, 3> SurfaceScene::minimizerPosition() const
{
    const double* foot = m_impl->stem->GetPoint1();
    return {foot[0], foot[1], foot[2]};
}

std::array<double, 2> SurfaceScene::colorRange() const
{
    const double* range = m_impl->lookupTable->GetRange();
    return {range[0], range[1]};
}

double SurfaceScene::colorFraction(double value) const
{
    return static_cast<double>(m_impl->lookupTable->GetIndex(value)) / (kColorCount - 1);
}

std::vector<double> SurfaceScene::contourValues() const
{
    std::vector<double> values(static_cast<size_t>(m_impl->contours->GetNumberOfContours()));
    for (size_t k = 0; k < values.size(); ++k)
        values[k] = m_impl->contours->GetValue(static_cast<int>(k));
    return values;
}

double SurfaceScene::sceneHeight(double value) const { return m_impl->height(value); }

std::vector<std::array<double, 3>> SurfaceScene::trajectoryPoints() const
{
    vtkPoints* points = m_impl->trajectory->GetPoints();
    std::vector<std::array<double, 3>> result;
    for (vtkIdType k = 0; points && k < points->GetNumberOfPoints(); ++k) {
        const double* p = points->GetPoint(k);
        result.push_back({p[0], p[1], p[2]});
    }
    return result;
}

CameraState SurfaceScene::cameraState() const
{
    vtkCamera* camera = m_impl->renderer->GetActiveCamera();
    CameraState state;
    camera->GetPosition(state.position.data());
    camera->GetFocalPoint(state.focalPoint.data());
    camera->GetViewUp(state.viewUp.data());
    state.viewAngle = camera->GetViewAngle();
    return state;
}

}   // namespace minimascope::ui
