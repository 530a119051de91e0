#include "controllers/AnalysisViewController.h"

#include "controllers/RunController.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>

namespace minimascope::ui {

AnalysisViewController::AnalysisViewController(RunController* runs, QMainWindow* window, const QString& actionName,
                                               const QString& actionText, const QString& dockName,
                                               const QString& dockTitle, QWidget* view)
    : QObject(window), m_runs(runs), m_window(window), m_action(new QAction(actionText, window)),
      m_dock(new QDockWidget(dockTitle, window))
{
    m_action->setObjectName(actionName);
    m_dock->setObjectName(dockName);
    m_dock->setWidget(view);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    m_dock->hide();
    connect(m_action, &QAction::triggered, this, [this] {
        if (canStart(nullptr))
            ask();
    });
    connect(runs, &RunController::busyChanged, this, &AnalysisViewController::updateAction);
    updateAction();
}

bool AnalysisViewController::canStart(QString* why) const
{
    QString reason;
    if (!m_runs->hasTrainedRun())
        reason = m_runs->whyNoTrainedRun();
    else if (m_runs->isTraining())
        reason = tr("Wait for the run to end (or stop it): the analysis is of the parameters it ends with.");
    else if (m_runs->isAnalyzing())
        reason = tr("Another analysis is running: wait for it or cancel it.");
    else
        reason = whyUnfit();
    if (why)
        *why = reason;
    return reason.isEmpty();
}

bool AnalysisViewController::readyToStart(const QString& what)
{
    QString why;
    if (canStart(&why))
        return true;
    Q_EMIT finished(core::RunStatus::Failed, QStringLiteral("%1: %2").arg(what, why));
    return false;
}

bool AnalysisViewController::arrivedWithResult(const QString& what, core::RunStatus status, const QString& message)
{
    if (status != core::RunStatus::Failed)
        return true;
    Q_EMIT finished(status, QStringLiteral("%1 %2: %3").arg(what, QLatin1String(core::toString(status)), message));
    return false;
}

QString AnalysisViewController::whyUnfit() const { return {}; }

void AnalysisViewController::showDock()
{
    m_dock->show();
    m_dock->raise();
}

void AnalysisViewController::updateAction()
{
    QString why;
    m_action->setEnabled(canStart(&why));
    m_action->setToolTip(why.isEmpty() ? QString(m_action->text()).remove(QLatin1Char('&')) : why);
}

}   // namespace minimascope::ui
