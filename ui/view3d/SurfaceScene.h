#pragma once
// The VTK scene of the 3D panel, independent of where it is drawn (the widget or an offscreen
// window): the surface warped by its values and colored through a lookup table, the scalar bar,
// contour lines, labelled axes, the minimizer marker and the trajectory lying on the surface.
// Progressive updates of the same grid change the arrays in place and keep the camera.
// GUI thread only (VTK objects). No VTK types in this header beyond a forward declaration.
#include "SurfaceData.h"

#include <QColor>
#include <QPoint>
#include <QSize>

#include <array>
#include <memory>
#include <optional>
#include <vector>

class vtkRenderer;

namespace minimascope::ui {

struct CameraState {
    std::array<double, 3> position{};
    std::array<double, 3> focalPoint{};
    std::array<double, 3> viewUp{};
    double viewAngle = 0.0;
};

class SurfaceScene {
public:
    SurfaceScene();
    ~SurfaceScene();
    SurfaceScene(const SurfaceScene&) = delete;
    SurfaceScene& operator=(const SurfaceScene&) = delete;

    // NaN values (not computed yet) are drawn interpolated (SurfaceFill.h); nothing is drawn
    // until one value is computed. An invalid grid (!data.isValid()) clears the scene with a
    // warning. The camera goes to the Iso preset for the first surface and when the grid's
    // extent changes, and stays where it is otherwise.
    void setSurface(const SurfaceData& data);
    bool hasSurface() const;
    void setColorScale(ColorScale scale);
    ColorScale colorScale() const;
    void setContoursVisible(bool visible);
    bool contoursVisible() const;
    void setCameraPreset(CameraPreset preset);
    void setColors(const QColor& background, const QColor& foreground);
    // Text sizes and line widths are in pixels: a large export scales them (1 = on screen;
    // clamped to 0.5..8) so that the picture keeps its proportions, only sharper.
    void setPixelScale(double scale);
    // The scale for an image of `size`: 1 up to 600 pixels high, proportional above.
    static double pixelScaleFor(const QSize& size);

    vtkRenderer* renderer() const;
    // Call before each render: fits the clipping range to what the camera now sees.
    void prepareRender();

    // Read-outs (tests, status text). Scene coordinates are (x, y, height).
    std::optional<QPoint> minimizerIndex() const;      // (i, j) of the lowest computed value
    std::array<double, 3> minimizerPosition() const;   // foot of the marker pin
    std::array<double, 2> colorRange() const;          // lookup-table range, in value units
    double colorFraction(double value) const;          // where the lookup table puts a value, 0..1
    std::vector<double> contourValues() const;         // in value units
    double sceneHeight(double value) const;            // height a value is drawn at
    std::vector<std::array<double, 3>> trajectoryPoints() const;
    CameraState cameraState() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}   // namespace minimascope::ui
