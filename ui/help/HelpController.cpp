#include "help/HelpController.h"

#include "help/AboutDialog.h"
#include "help/HelpWindow.h"

#include <QAction>
#include <QDesktopServices>
#include <QMenu>
#include <QUrl>
#include <QWidget>

namespace minimascope::ui {

HelpController::HelpController(QWidget* window) : QObject(window), m_window(window) { }

void HelpController::populate(QMenu* menu, QAction* demos)
{
    const auto add = [menu](const QString& name, const QString& text) {
        QAction* action = menu->addAction(text);
        action->setObjectName(name);
        return action;
    };
    connect(add(QStringLiteral("userGuideAction"), tr("&User guide")), &QAction::triggered, this,
            [this] { showPage(QStringLiteral("guide.md")); });
    connect(add(QStringLiteral("scienceAction"), tr("The &science")), &QAction::triggered, this,
            [this] { showPage(QStringLiteral("science.md")); });
    menu->addAction(demos);
    menu->addSeparator();
    connect(add(QStringLiteral("aboutAction"), tr("&About MinimaScope")), &QAction::triggered, this,
            &HelpController::showAbout);
}

HelpWindow* HelpController::raiseHelpWindow()
{
    if (!m_helpWindow)
        m_helpWindow = new HelpWindow(m_window);
    m_helpWindow->show();
    m_helpWindow->raise();
    m_helpWindow->activateWindow();
    return m_helpWindow;
}

void HelpController::showPage(const QString& fileName) { raiseHelpWindow()->openPage(fileName); }

void HelpController::showAbout()
{
    if (!m_about) {
        m_about = new AboutDialog(m_window);
        connect(m_about, &AboutDialog::linkActivated, this, &HelpController::openLink);
    }
    m_about->show();
    m_about->raise();
    m_about->activateWindow();
}

void HelpController::openLink(const QUrl& link)
{
    // The user guide on this computer opens in the help window; the papers in the web browser.
    if (link.isLocalFile())
        raiseHelpWindow()->followLink(link);
    else
        QDesktopServices::openUrl(link);
}

}   // namespace minimascope::ui
