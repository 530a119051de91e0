#pragma once
// HelpWindow: the user documentation (the Markdown pages of docs/: guide.md, science.md, ...)
// inside the application. Pages are found where core/io/ResourceLibrary looks for the "docs" kind
// (installed share/minimascope/docs, then the source tree). Images resolve relative to the page
// and are scaled down to the window's reading width; a link to another .md page opens in this
// window (Back/Forward keep the history), http(s) and mail links and other local files open in
// the desktop's programs (QDesktopServices). A page or link target that is missing shows a
// message, never an empty window. GUI thread only.
#include <QWidget>

class QLabel;
class QTextBrowser;
class QUrl;

namespace minimascope::ui {

class HelpWindow : public QWidget {
    Q_OBJECT

public:
    explicit HelpWindow(QWidget* parent = nullptr);

    // Shows the docs page `fileName` (e.g. "guide.md"); false, with a message in the window that
    // names the folders searched, when no docs folder has it.
    bool openPage(const QString& fileName);
    // Follows a link as a click in the page does: relative links resolve against the page shown.
    void followLink(const QUrl& link);

    QTextBrowser* browser() const { return m_browser; }
    // The last message about a link that could not be followed (empty when the last one could).
    QString linkMessage() const;

    // The path of docs page `fileName` in the first docs folder that has it, or an empty string.
    static QString findPage(const QString& fileName);
    // The docs folders searched, in order.
    static QStringList docsFolders();

    // Pictures wider than this (pixels) are scaled down to it: the window's reading width.
    static constexpr int kMaxImageWidth = 760;

private:
    void setLinkMessage(const QString& message);

    QTextBrowser* m_browser = nullptr;
    QLabel* m_linkMessage = nullptr;
};

}   // namespace minimascope::ui
