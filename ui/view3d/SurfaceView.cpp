#include "SurfaceView.h"

#include "RenderWindowImage.h"
#include "SurfaceScene.h"

#include <QElapsedTimer>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

namespace minimascope::ui {
namespace {

constexpr int kMaxImageSide = 8192;   // well inside llvmpipe's and common GPUs' framebuffer limits

}   // namespace

struct SurfaceView::Impl {
    SurfaceScene scene;
    vtkNew<vtkGenericOpenGLRenderWindow> window;
    vtkNew<vtkGenericRenderWindowInteractor> interactor;
    vtkNew<vtkInteractorStyleTrackballCamera> style;
    vtkNew<vtkCallbackCommand> makeCurrent;
    vtkNew<vtkCallbackCommand> isCurrent;
    vtkNew<vtkCallbackCommand> renderRequest;
    double lastPaintMs = 0.0;
    QMetaObject::Connection contextCleanup;

    void setWindowSize(int width, int height)
    {
        window->SetSize(width, height);
        interactor->UpdateSize(width, height);
    }
    // VTK renders into its own framebuffers; Qt changed GL state behind VTK's cache, so the
    // state is reset before and restored after.
    void render()
    {
        vtkOpenGLState* state = window->GetState();
        state->Reset();
        state->Push();
        scene.prepareRender();
        window->SetReadyForRendering(true);
        window->Render();
        window->SetReadyForRendering(false);
        state->Pop();
    }
};

SurfaceView::SurfaceView(QWidget* parent) : QOpenGLWidget(parent), m_impl(std::make_unique<Impl>())
{
    Impl& d = *m_impl;
    // VTK asks to make its context current and whether it is; the context is Qt's.
    // QOpenGLWidget::makeCurrent() also binds Qt's framebuffer: doing that while VTK renders
    // would send VTK's drawing into Qt's framebuffer behind VTK's state cache.
    d.makeCurrent->SetClientData(this);
    d.makeCurrent->SetCallback([](vtkObject*, unsigned long, void* client, void*) {
        auto* view = static_cast<SurfaceView*>(client);
        if (QOpenGLContext::currentContext() != view->context())
            view->makeCurrent();
    });
    d.isCurrent->SetClientData(this);
    d.isCurrent->SetCallback([](vtkObject*, unsigned long, void* client, void* callData) {
        const QOpenGLContext* context = static_cast<SurfaceView*>(client)->context();
        *static_cast<bool*>(callData) = context != nullptr && QOpenGLContext::currentContext() == context;
    });
    // The interactor never renders itself (EnableRender off): it asks for a repaint instead.
    d.renderRequest->SetClientData(this);
    d.renderRequest->SetCallback(
        [](vtkObject*, unsigned long, void* client, void*) { static_cast<SurfaceView*>(client)->update(); });

    d.window->AddRenderer(d.scene.renderer());
    d.window->SetOwnContext(false);
    d.window->SetFrameBlitModeToNoBlit();
    d.window->SetReadyForRendering(false);
    d.window->SetMultiSamples(0);
    d.window->AddObserver(vtkCommand::WindowMakeCurrentEvent, d.makeCurrent);
    d.window->AddObserver(vtkCommand::WindowIsCurrentEvent, d.isCurrent);

    d.interactor->SetRenderWindow(d.window);
    d.interactor->SetInteractorStyle(d.style);
    d.interactor->EnableRenderOff();
    d.interactor->AddObserver(vtkCommand::RenderEvent, d.renderRequest);
    d.interactor->Enable();
}

SurfaceView::~SurfaceView()
{
    Impl& d = *m_impl;
    QObject::disconnect(d.contextCleanup);
    releaseGraphics();
    d.interactor->RemoveObserver(d.renderRequest);
    d.window->RemoveObserver(d.makeCurrent);
    d.window->RemoveObserver(d.isCurrent);
}

void SurfaceView::setSurface(const SurfaceData& data)
{
    m_impl->scene.setSurface(data);
    update();
}

bool SurfaceView::hasSurface() const { return m_impl->scene.hasSurface(); }

void SurfaceView::setColorScale(ColorScale scale)
{
    m_impl->scene.setColorScale(scale);
    update();
}

void SurfaceView::setContoursVisible(bool visible)
{
    m_impl->scene.setContoursVisible(visible);
    update();
}

void SurfaceView::setCameraPreset(CameraPreset preset)
{
    m_impl->scene.setCameraPreset(preset);
    update();
}

void SurfaceView::setColors(const QColor& background, const QColor& foreground)
{
    m_impl->scene.setColors(background, foreground);
    update();
}

const SurfaceScene& SurfaceView::scene() const { return m_impl->scene; }

double SurfaceView::lastPaintMs() const { return m_impl->lastPaintMs; }

QSize SurfaceView::sizeHint() const { return {640, 480}; }

QImage SurfaceView::renderToImage(const QSize& size)
{
    if (size.width() < 1 || size.height() < 1 || size.width() > kMaxImageSide || size.height() > kMaxImageSide)
        return {};
    if (context() == nullptr)
        grabFramebuffer();   // creates the context and runs initializeGL, even while hidden
    if (context() == nullptr)
        return {};
    Impl& d = *m_impl;
    makeCurrent();
    const int oldWidth = d.window->GetSize()[0];
    const int oldHeight = d.window->GetSize()[1];
    d.window->SetSize(size.width(), size.height());
    d.scene.setPixelScale(SurfaceScene::pixelScaleFor(size));
    d.render();
    d.window->SetReadyForRendering(true);   // the generic window reads no pixels otherwise
    QImage image = renderWindowImage(d.window);
    d.window->SetReadyForRendering(false);
    d.scene.setPixelScale(1.0);
    d.window->SetSize(oldWidth, oldHeight);
    doneCurrent();
    update();
    return image;
}

void SurfaceView::releaseGraphics()
{
    if (context() == nullptr)
        return;
    makeCurrent();
    m_impl->window->Finalize();
    doneCurrent();
}

void SurfaceView::initializeGL()
{
    // Qt replaces the context when the widget moves to another window (a dock floated or
    // docked): VTK's buffers and shaders belong to the old one and go with it.
    QObject::disconnect(m_impl->contextCleanup);
    m_impl->contextCleanup = connect(context(), &QOpenGLContext::aboutToBeDestroyed, this,
                                     [this] { releaseGraphics(); });
    const double ratio = devicePixelRatioF();
    m_impl->setWindowSize(static_cast<int>(width() * ratio), static_cast<int>(height() * ratio));
    m_impl->window->OpenGLInitContext();
}

void SurfaceView::resizeGL(int w, int h)
{
    const double ratio = devicePixelRatioF();
    m_impl->setWindowSize(static_cast<int>(w * ratio), static_cast<int>(h * ratio));
}

void SurfaceView::paintGL()
{
    Impl& d = *m_impl;
    QElapsedTimer timer;
    timer.start();
    d.render();

    // Copy VTK's frame into Qt's framebuffer, then force an opaque alpha so that the
    // compositor does not show through.
    QOpenGLFunctions* gl = context()->functions();
    const int w = d.window->GetSize()[0];
    const int h = d.window->GetSize()[1];
    vtkOpenGLState* state = d.window->GetState();
    state->PushDrawFramebufferBinding();
    gl->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    d.window->BlitDisplayFramebuffer(0, 0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    state->PopDrawFramebufferBinding();
    gl->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    gl->glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
    gl->glClear(GL_COLOR_BUFFER_BIT);
    gl->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    d.lastPaintMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

// Qt events become VTK interactor events in device pixels with y up; the trackball style
// moves the camera and asks for a repaint through the interactor's RenderEvent.
namespace {

void forwardPosition(vtkGenericRenderWindowInteractor* interactor, const QPointF& position, Qt::KeyboardModifiers mods,
                     double ratio, int repeat = 0)
{
    interactor->SetEventInformationFlipY(static_cast<int>(position.x() * ratio), static_cast<int>(position.y() * ratio),
                                         (mods & Qt::ControlModifier) ? 1 : 0, (mods & Qt::ShiftModifier) ? 1 : 0, 0,
                                         repeat);
}

unsigned long pressEvent(Qt::MouseButton button)
{
    switch (button) {
    case Qt::LeftButton: return vtkCommand::LeftButtonPressEvent;
    case Qt::MiddleButton: return vtkCommand::MiddleButtonPressEvent;
    case Qt::RightButton: return vtkCommand::RightButtonPressEvent;
    default: return vtkCommand::NoEvent;
    }
}

unsigned long releaseEvent(Qt::MouseButton button)
{
    switch (button) {
    case Qt::LeftButton: return vtkCommand::LeftButtonReleaseEvent;
    case Qt::MiddleButton: return vtkCommand::MiddleButtonReleaseEvent;
    case Qt::RightButton: return vtkCommand::RightButtonReleaseEvent;
    default: return vtkCommand::NoEvent;
    }
}

}   // namespace

void SurfaceView::mousePressEvent(QMouseEvent* event)
{
    const unsigned long id = pressEvent(event->button());
    if (id == vtkCommand::NoEvent)
        return;
    forwardPosition(m_impl->interactor, event->position(), event->modifiers(), devicePixelRatioF(),
                    event->type() == QEvent::MouseButtonDblClick ? 1 : 0);
    m_impl->interactor->InvokeEvent(id);
}

void SurfaceView::mouseReleaseEvent(QMouseEvent* event)
{
    const unsigned long id = releaseEvent(event->button());
    if (id == vtkCommand::NoEvent)
        return;
    forwardPosition(m_impl->interactor, event->position(), event->modifiers(), devicePixelRatioF());
    m_impl->interactor->InvokeEvent(id);
}

void SurfaceView::mouseMoveEvent(QMouseEvent* event)
{
    forwardPosition(m_impl->interactor, event->position(), event->modifiers(), devicePixelRatioF());
    m_impl->interactor->InvokeEvent(vtkCommand::MouseMoveEvent);
}

void SurfaceView::wheelEvent(QWheelEvent* event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0)
        return;
    forwardPosition(m_impl->interactor, event->position(), event->modifiers(), devicePixelRatioF());
    m_impl->interactor->InvokeEvent(delta > 0 ? vtkCommand::MouseWheelForwardEvent
                                              : vtkCommand::MouseWheelBackwardEvent);
    event->accept();
}

}   // namespace minimascope::ui
