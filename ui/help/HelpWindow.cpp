#include "help/HelpWindow.h"

#include "io/ResourceLibrary.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QStyle>
#include <QTextBrowser>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace minimascope::ui {

namespace {

// The screenshots in the docs are 1500 pixels wide, twice the reading width: shown as they are,
// every one would need a horizontal scroll.
class PageBrowser : public QTextBrowser {
public:
    using QTextBrowser::QTextBrowser;

    QVariant loadResource(int type, const QUrl& name) override
    {
        QVariant resource = QTextBrowser::loadResource(type, name);
        if (type != QTextDocument::ImageResource || resource.typeId() != QMetaType::QByteArray)
            return resource;
        const QImage image = QImage::fromData(resource.toByteArray());
        if (image.isNull() || image.width() <= HelpWindow::kMaxImageWidth)
            return resource;
        return image.scaledToWidth(HelpWindow::kMaxImageWidth, Qt::SmoothTransformation);
    }
};

}   // namespace

HelpWindow::HelpWindow(QWidget* parent) : QWidget(parent, Qt::Window)
{
    setObjectName(QStringLiteral("helpWindow"));
    setWindowTitle(tr("MinimaScope help"));
    m_browser = new PageBrowser(this);
    m_browser->setObjectName(QStringLiteral("helpBrowser"));
    // Links are ours to follow: pages here, the web and other files in the desktop's programs.
    m_browser->setOpenLinks(false);
    m_browser->document()->setDocumentMargin(12);
    connect(m_browser, &QTextBrowser::anchorClicked, this, &HelpWindow::followLink);

    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    QAction* back = bar->addAction(style()->standardIcon(QStyle::SP_ArrowBack), tr("Back"), m_browser,
                                   &QTextBrowser::backward);
    back->setObjectName(QStringLiteral("helpBackAction"));
    back->setShortcut(QKeySequence::Back);
    back->setEnabled(false);
    QAction* forward = bar->addAction(style()->standardIcon(QStyle::SP_ArrowForward), tr("Forward"), m_browser,
                                      &QTextBrowser::forward);
    forward->setObjectName(QStringLiteral("helpForwardAction"));
    forward->setShortcut(QKeySequence::Forward);
    forward->setEnabled(false);
    connect(m_browser, &QTextBrowser::backwardAvailable, back, &QAction::setEnabled);
    connect(m_browser, &QTextBrowser::forwardAvailable, forward, &QAction::setEnabled);
    bar->addSeparator();
    bar->addAction(tr("User guide"), this, [this] { openPage(QStringLiteral("guide.md")); });
    bar->addAction(tr("The science"), this, [this] { openPage(QStringLiteral("science.md")); });

    m_linkMessage = new QLabel(this);
    m_linkMessage->setObjectName(QStringLiteral("helpLinkMessage"));
    m_linkMessage->setWordWrap(true);
    m_linkMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_linkMessage->setContentsMargins(8, 4, 8, 4);
    m_linkMessage->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(m_browser, 1);
    layout->addWidget(m_linkMessage);
    resize(kMaxImageWidth + 100, 760);
}

QStringList HelpWindow::docsFolders()
{
    QStringList folders;
    for (const std::string& dir : core::resourceDirectories("docs"))
        folders << QDir::cleanPath(QString::fromStdString(dir));
    return folders;
}

QString HelpWindow::findPage(const QString& fileName)
{
    for (const QString& folder : docsFolders()) {
        const QFileInfo page(QDir(folder).filePath(fileName));
        if (page.isFile())
            return page.absoluteFilePath();
    }
    return {};
}

bool HelpWindow::openPage(const QString& fileName)
{
    const QString path = findPage(fileName);
    if (path.isEmpty()) {
        QString folders;
        for (const QString& folder : docsFolders())
            folders += QStringLiteral("<li>%1</li>").arg(folder.toHtmlEscaped());
        m_browser->setHtml(tr("<h2>%1 was not found</h2>"
                              "<p>MinimaScope looked for its documentation in these folders:</p><ul>%2</ul>"
                              "<p>Reinstall MinimaScope, or point MINIMASCOPE_RESOURCES at a folder whose "
                              "<code>docs</code> folder has %1.</p>")
                               .arg(fileName.toHtmlEscaped(), folders));
        setLinkMessage({});
        return false;
    }
    m_browser->setSource(QUrl::fromLocalFile(path), QTextDocument::MarkdownResource);
    setLinkMessage({});
    return true;
}

void HelpWindow::followLink(const QUrl& link)
{
    if (link.path().isEmpty() && link.hasFragment()) {
        m_browser->scrollToAnchor(link.fragment());
        return;
    }
    const QUrl target = m_browser->source().resolved(link);
    if (target.isRelative()) {   // a relative link on a page that is not a file (the "not found" page)
        setLinkMessage(tr("Cannot follow the link %1 from this page.").arg(link.toString()));
        return;
    }
    if (!target.isLocalFile()) {
        setLinkMessage(QDesktopServices::openUrl(target)
                           ? QString()
                           : tr("No program opens %1 on this computer.").arg(target.toString()));
        return;
    }
    const QFileInfo file(target.toLocalFile());
    if (!file.isFile()) {
        setLinkMessage(tr("%1 is not in the documentation installed here (no file %2).")
                           .arg(link.toString(), file.absoluteFilePath()));
        return;
    }
    if (file.suffix().compare(QLatin1String("md"), Qt::CaseInsensitive) == 0) {
        m_browser->setSource(target, QTextDocument::MarkdownResource);
        setLinkMessage({});
        return;
    }
    // Data and pictures the pages link to (CSV, PNG): the desktop's program for them.
    setLinkMessage(QDesktopServices::openUrl(target)
                       ? QString()
                       : tr("No program opens %1 on this computer.").arg(file.absoluteFilePath()));
}

QString HelpWindow::linkMessage() const { return m_linkMessage->text(); }

void HelpWindow::setLinkMessage(const QString& message)
{
    m_linkMessage->setText(message);
    m_linkMessage->setVisible(!message.isEmpty());
}

}   // namespace minimascope::ui
