#pragma once
// HelpController: the Help menu's windows. The user guide and the science page open in one help
// window (HelpWindow), About in a non-modal AboutDialog; both are made on first use, belong to
// the main window and are reused. GUI thread only.
#include <QObject>

class QAction;
class QMenu;
class QUrl;
class QWidget;

namespace minimascope::ui {

class AboutDialog;
class HelpWindow;

class HelpController : public QObject {
    Q_OBJECT

public:
    // `window` is the main window, the parent of the help windows.
    explicit HelpController(QWidget* window);

    // Fills the Help menu: User guide, The science, `demos` (kept as the caller made it), About.
    void populate(QMenu* menu, QAction* demos);

    // nullptr until first shown.
    HelpWindow* helpWindow() const { return m_helpWindow; }
    AboutDialog* aboutDialog() const { return m_about; }

public Q_SLOTS:
    // Shows the docs page `fileName` ("guide.md", "science.md") in the help window.
    void showPage(const QString& fileName);
    void showAbout();

private:
    HelpWindow* raiseHelpWindow();
    void openLink(const QUrl& link);

    QWidget* m_window = nullptr;
    HelpWindow* m_helpWindow = nullptr;
    AboutDialog* m_about = nullptr;
};

}   // namespace minimascope::ui
