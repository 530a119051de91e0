#include "demos/ExplanationDock.h"

#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace minimascope::ui {

ExplanationDock::ExplanationDock(QWidget* parent) : QDockWidget(tr("Explanation"), parent)
{
    setObjectName(QStringLiteral("explanationDock"));
    m_browser = new QTextBrowser;
    m_browser->setObjectName(QStringLiteral("explanation"));
    m_browser->setOpenExternalLinks(true);
    m_tryNext = new QLabel;
    m_tryNext->setObjectName(QStringLiteral("tryNext"));
    m_tryNext->setWordWrap(true);
    m_tryButton = new QPushButton(tr("Try it"));
    m_tryButton->setObjectName(QStringLiteral("tryNextButton"));
    m_tryButton->setToolTip(tr("Apply this one change in the Setup panel and run again"));
    connect(m_tryButton, &QPushButton::clicked, this, &ExplanationDock::tryNextRequested);
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_browser, 1);
    layout->addWidget(m_tryNext);
    layout->addWidget(m_tryButton, 0, Qt::AlignRight);
    setWidget(body);
}

void ExplanationDock::setDemo(const QString& title, const QString& markdown, const QString& tryNext)
{
    setWindowTitle(tr("Explanation: %1").arg(title));
    m_browser->setMarkdown(markdown);
    m_tryNext->setText(tr("<b>Try next.</b> %1").arg(tryNext.toHtmlEscaped()));
    m_tryNext->setProperty("plainText", tryNext);
}

QString ExplanationDock::markdown() const { return m_browser->toMarkdown(); }

QString ExplanationDock::tryNextText() const { return m_tryNext->property("plainText").toString(); }

}   // namespace minimascope::ui
