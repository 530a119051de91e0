#include "OffscreenSurfaceRenderer.h"

#include "RenderWindowImage.h"
#include "SurfaceScene.h"
#include "XServerProbe.h"

#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>

namespace minimascope::ui {
namespace {

QImage fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return {};
}

}   // namespace

QImage renderSurfaceOffscreen(const SurfaceData& data, const QSize& size, ColorScale scale, QString* error,
                              CameraPreset preset)
{
    if (size.width() < 1 || size.height() < 1 || size.width() > kMaxOffscreenSide || size.height() > kMaxOffscreenSide)
        return fail(error, QStringLiteral("3D image size %1x%2 is outside 1..%3")
                               .arg(size.width())
                               .arg(size.height())
                               .arg(kMaxOffscreenSide));
    QString why;
    if (!xServerAvailable(&why))
        return fail(error, QStringLiteral("3D rendering needs an X server (run under xvfb-run): %1").arg(why));

    SurfaceScene scene;
    scene.setColorScale(scale);
    scene.setSurface(data);
    if (!scene.hasSurface())
        return fail(error, QStringLiteral("the surface has no computed value to draw"));
    scene.setCameraPreset(preset);
    scene.setPixelScale(SurfaceScene::pixelScaleFor(size));

    vtkNew<vtkRenderWindow> window;
    window->SetOffScreenRendering(1);
    window->SetMultiSamples(0);
    window->SetSize(size.width(), size.height());
    window->AddRenderer(scene.renderer());
    scene.prepareRender();
    window->Render();
    QImage image = renderWindowImage(window);
    if (image.isNull())
        return fail(error, QStringLiteral("VTK could not read back the rendered 3D image"));
    return image;
}

}   // namespace minimascope::ui
