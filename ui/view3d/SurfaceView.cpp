#include "SurfaceView.h"

#include <QOpenGLContext>
#include <QOpenGLFunctions>

#include <vtkCallbackCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

namespace minimascope::ui {

struct SurfaceView::Impl {
    vtkNew<vtkGenericOpenGLRenderWindow> window;
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkCallbackCommand> makeCurrent;
    vtkNew<vtkCallbackCommand> isCurrent;
    bool hasSurface = false;
};

SurfaceView::SurfaceView(QWidget* parent) : QOpenGLWidget(parent), m_impl(std::make_unique<Impl>())
{
    // VTK asks to make its context current / whether it is current; the context is Qt's.
    m_impl->makeCurrent->SetClientData(this);
    m_impl->makeCurrent->SetCallback([](vtkObject*, unsigned long, void* client, void*) {
        static_cast<SurfaceView*>(client)->makeCurrent();
    });
    m_impl->isCurrent->SetClientData(this);
    m_impl->isCurrent->SetCallback([](vtkObject*, unsigned long, void* client, void* callData) {
        auto* view = static_cast<SurfaceView*>(client);
        *static_cast<bool*>(callData) = QOpenGLContext::currentContext() == view->context() && view->context() != nullptr;
    });
    m_impl->window->AddObserver(vtkCommand::WindowMakeCurrentEvent, m_impl->makeCurrent);
    m_impl->window->AddObserver(vtkCommand::WindowIsCurrentEvent, m_impl->isCurrent);
    m_impl->renderer->SetBackground(1.0, 1.0, 1.0);
    m_impl->window->AddRenderer(m_impl->renderer);
    m_impl->window->SetOwnContext(false);
    m_impl->window->SetFrameBlitModeToNoBlit();
    m_impl->window->SetReadyForRendering(false);
}

SurfaceView::~SurfaceView()
{
    makeCurrent();
    m_impl->window->Finalize();
    doneCurrent();
    m_impl->window->RemoveObserver(m_impl->makeCurrent);
    m_impl->window->RemoveObserver(m_impl->isCurrent);
}

void SurfaceView::setSurface(const SurfaceData&)
{
    m_impl->hasSurface = true;
    update();
}

bool SurfaceView::hasSurface() const { return m_impl->hasSurface; }
void SurfaceView::setColorScale(ColorScale) { update(); }
void SurfaceView::setContoursVisible(bool) { update(); }
void SurfaceView::setCameraPreset(CameraPreset) { update(); }

QImage SurfaceView::renderToImage(const QSize& size)
{
    return grabFramebuffer().scaled(size);
}

void SurfaceView::initializeGL()
{
    const double ratio = devicePixelRatioF();
    m_impl->window->SetSize(static_cast<int>(width() * ratio), static_cast<int>(height() * ratio));
    m_impl->window->OpenGLInitContext();
}

void SurfaceView::resizeGL(int w, int h)
{
    const double ratio = devicePixelRatioF();
    m_impl->window->SetSize(static_cast<int>(w * ratio), static_cast<int>(h * ratio));
}

void SurfaceView::paintGL()
{
    vtkOpenGLState* state = m_impl->window->GetState();
    state->Reset();
    state->Push();
    m_impl->window->SetReadyForRendering(true);
    m_impl->window->Render();
    m_impl->window->SetReadyForRendering(false);
    state->Pop();

    // VTK drew into its own framebuffer: copy it into Qt's, then force an opaque alpha.
    QOpenGLFunctions* gl = context()->functions();
    const int w = m_impl->window->GetSize()[0];
    const int h = m_impl->window->GetSize()[1];
    state->PushDrawFramebufferBinding();
    gl->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    m_impl->window->BlitDisplayFramebuffer(0, 0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    state->PopDrawFramebufferBinding();
    gl->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    gl->glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
    gl->glClear(GL_COLOR_BUFFER_BIT);
    gl->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
}

} // namespace minimascope::ui
