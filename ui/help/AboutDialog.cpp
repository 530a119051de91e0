#include "help/AboutDialog.h"

#include "help/ApplicationIcon.h"
#include "help/HelpWindow.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QUrl>
#include <QVBoxLayout>

namespace minimascope::ui {

namespace {

// The project version of the top CMakeLists.txt, as `minimascope --version` prints it
// (ui/CMakeLists.txt defines it for this file only).
constexpr char kVersion[] = MINIMASCOPE_VERSION;
constexpr int kIconSize = 96;

// Where the user guide is on this computer, as a sentence.
QString guideLocation()
{
    const QString guide = HelpWindow::findPage(QStringLiteral("guide.md"));
    if (guide.isEmpty())
        return AboutDialog::tr("The user guide (guide.md) is not installed here; Help ▸ User guide lists the "
                               "folders searched.");
    return AboutDialog::tr("The user guide opens with Help ▸ User guide; it is the file <a href=\"%1\">%2</a>.")
        .arg(QUrl::fromLocalFile(guide).toString(), guide.toHtmlEscaped());
}

}   // namespace

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About MinimaScope"));
    setModal(false);

    auto* icon = new QLabel(this);
    icon->setPixmap(applicationIcon().pixmap(kIconSize, kIconSize));
    icon->setAlignment(Qt::AlignTop);

    // The papers as CITATION.cff lists them, the references of docs/science.md.
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("aboutText"));
    m_text->setTextFormat(Qt::RichText);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_text->setOpenExternalLinks(false);
    m_text->setText(
        tr("<h2>MinimaScope %1</h2>"
           "<p>See why SGD finds flat minima: train small networks, measure the sharpness and the "
           "non-uniformity against the linear-stability bounds, and look at the loss landscape.</p>"
           "<p>MIT License, copyright © 2026 MinimaScope developers. The full text is the LICENSE file of "
           "the sources; the package installs it as /usr/share/doc/minimascope/copyright.</p>"
           "<p><b>If you use MinimaScope in your work, please cite the papers whose results it "
           "reproduces</b>, first of all:</p>"
           "<ol>"
           "<li>L. Wu, C. Ma, W. E. <i>How SGD selects the global minima in over-parameterized learning: a "
           "dynamical stability perspective.</i> NeurIPS 2018, pp. 8279–8288. "
           "<a href=\"https://nips.cc/virtual/2018/poster/11792\">nips.cc</a></li>"
           "<li>H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein. <i>Visualizing the loss landscape of neural "
           "nets.</i> NeurIPS 2018. <a href=\"https://arxiv.org/abs/1712.09913\">arXiv:1712.09913</a></li>"
           "</ol>"
           "<p>The other papers behind the estimators are in Help ▸ The science.</p>"
           "<p>%2</p>")
            .arg(QString::fromLatin1(kVersion), guideLocation()));
    connect(m_text, &QLabel::linkActivated, this, [this](const QString& link) { Q_EMIT linkActivated(QUrl(link)); });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);

    auto* row = new QHBoxLayout;
    row->addWidget(icon);
    row->addWidget(m_text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
    setMinimumWidth(560);
}

QString AboutDialog::text() const { return m_text->text(); }

}   // namespace minimascope::ui
