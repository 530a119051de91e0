// Help in the application (ui/help/): the Help menu's four actions; the user guide and the science
// page read from docs/ in the help window, their pictures resolved beside the page, a link to
// another page followed there and a web link handed to the desktop; a missing page or link says
// so; About names the version --version prints, the license and Wu, Ma & E first; the window icon
// draws; the empty spectrum plot says how to fill it until data arrives.
#include "MainWindow.h"
#include "QCustomPlotInclude.h"
#include "SpectrumPlot.h"
#include "help/AboutDialog.h"
#include "help/ApplicationIcon.h"
#include "help/HelpController.h"
#include "help/HelpWindow.h"
#include "support/TestSuite.h"

#include <QAction>
#include <QDesktopServices>
#include <QFile>
#include <QImageReader>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocumentFragment>
#include <QtTest>

using namespace minimascope::ui;

namespace {

const QString kDocs = QStringLiteral(MINIMASCOPE_SOURCE_DIR "/docs");

// The text of the first "# " line of a Markdown file.
QString firstHeading(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.startsWith(QLatin1String("# ")))
            return line.mid(2);
    }
    return {};
}

// Clicks the first link to `href` in the page the browser shows, as a user does; false when the
// page has no such link.
bool clickLink(QTextBrowser* browser, const QString& href)
{
    for (QTextBlock block = browser->document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.charFormat().isAnchor() || fragment.charFormat().anchorHref() != href)
                continue;
            QTextCursor cursor(browser->document());
            cursor.setPosition(fragment.position() + fragment.length() / 2);
            browser->setTextCursor(cursor);
            browser->ensureCursorVisible();
            const QPoint centre = browser->cursorRect(cursor).center();
            QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, centre);
            return true;
        }
    }
    return false;
}

}   // namespace

// Receives the links the help hands to the desktop (QDesktopServices::setUrlHandler).
class UrlRecorder : public QObject {
    Q_OBJECT
public:
    QList<QUrl> urls;
public Q_SLOTS:
    void open(const QUrl& url) { urls << url; }
};

class TestHelp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Never read or write the user's settings; the docs come from the source tree.
        QVERIFY(m_settingsDir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("MinimaScopeTest"));
        qunsetenv("MINIMASCOPE_RESOURCES");
    }

    void helpMenuHasItsFourActions()
    {
        MainWindow window;
        auto* menu = window.findChild<QMenu*>(QStringLiteral("helpMenu"));
        QVERIFY(menu);
        QCOMPARE(menu->title(), QStringLiteral("&Help"));
        QStringList names;
        QStringList texts;
        for (QAction* action : menu->actions()) {
            if (action->isSeparator())
                continue;
            names << action->objectName();
            texts << action->text();
        }
        QCOMPARE(names, (QStringList{QStringLiteral("userGuideAction"), QStringLiteral("scienceAction"),
                                     QStringLiteral("demosAction"), QStringLiteral("aboutAction")}));
        QCOMPARE(texts, (QStringList{QStringLiteral("&User guide"), QStringLiteral("The &science"),
                                     QStringLiteral("&Demos…"), QStringLiteral("&About MinimaScope")}));
        QCOMPARE(window.findChild<QAction*>(QStringLiteral("demosAction"))->shortcut(), QKeySequence(Qt::Key_F1));
    }

    void userGuideShowsTheGuideWithItsPictures()
    {
        MainWindow window;
        window.findChild<QAction*>(QStringLiteral("userGuideAction"))->trigger();
        HelpWindow* help = window.help()->helpWindow();
        QVERIFY(help);
        QVERIFY(help->isVisible());
        QVERIFY(QTest::qWaitForWindowExposed(help));
        const QString guide = kDocs + QStringLiteral("/guide.md");
        QCOMPARE(help->browser()->source(), QUrl::fromLocalFile(QFileInfo(guide).absoluteFilePath()));
        const QString heading = firstHeading(guide);
        QCOMPARE(heading, QStringLiteral("MinimaScope user guide"));
        QCOMPARE(help->browser()->document()->firstBlock().text(), heading);

        // images/window.png beside the page, scaled from its 1500 pixels to the reading width.
        const QSize original = QImageReader(kDocs + QStringLiteral("/images/window.png")).size();
        QCOMPARE(original.width(), 1500);
        const QImage shown = qvariant_cast<QImage>(help->browser()->document()->resource(
            QTextDocument::ImageResource, QUrl(QStringLiteral("images/window.png"))));
        QCOMPARE(shown.width(), HelpWindow::kMaxImageWidth);
        QCOMPARE(shown.height(), qRound(original.height() * double(HelpWindow::kMaxImageWidth) / original.width()));
    }

    void linksOpenPagesHereAndTheWebOutside()
    {
        MainWindow window;
        window.findChild<QAction*>(QStringLiteral("userGuideAction"))->trigger();
        HelpWindow* help = window.help()->helpWindow();
        QVERIFY(QTest::qWaitForWindowExposed(help));
        QTextBrowser* browser = help->browser();

        QVERIFY(clickLink(browser, QStringLiteral("science.md")));
        const QString science = QFileInfo(kDocs + QStringLiteral("/science.md")).absoluteFilePath();
        QCOMPARE(browser->source(), QUrl::fromLocalFile(science));
        QCOMPARE(browser->document()->firstBlock().text(), firstHeading(science));
        QCOMPARE(firstHeading(science), QStringLiteral("The science behind MinimaScope"));
        QVERIFY(help->linkMessage().isEmpty());

        // A reference's arXiv link goes to the desktop's browser; the page stays.
        UrlRecorder desktop;
        QDesktopServices::setUrlHandler(QStringLiteral("https"), &desktop, "open");
        const QString arxiv = QStringLiteral("https://arxiv.org/abs/1712.09913");
        const bool clicked = clickLink(browser, arxiv);
        QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
        QVERIFY(clicked);
        QCOMPARE(desktop.urls, QList<QUrl>{QUrl(arxiv)});
        QCOMPARE(browser->source(), QUrl::fromLocalFile(science));

        // Back returns to the guide.
        auto* back = help->findChild<QAction*>(QStringLiteral("helpBackAction"));
        QVERIFY(back->isEnabled());
        back->trigger();
        const QString guide = QFileInfo(kDocs + QStringLiteral("/guide.md")).absoluteFilePath();
        QCOMPARE(browser->source(), QUrl::fromLocalFile(guide));
    }

    void missingPagesAndLinksSaySo()
    {
        HelpWindow help;
        QVERIFY(!help.openPage(QStringLiteral("no-such-page.md")));
        const QString text = help.browser()->document()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("no-such-page.md was not found")), qPrintable(text));
        QVERIFY2(text.contains(QDir::cleanPath(kDocs)), qPrintable(text));   // the folders searched

        QVERIFY(help.openPage(QStringLiteral("guide.md")));
        const QUrl guide = help.browser()->source();
        help.followLink(QUrl(QStringLiteral("missing-page.md")));
        QCOMPARE(help.browser()->source(), guide);
        QVERIFY2(help.linkMessage().contains(QDir::cleanPath(kDocs) + QStringLiteral("/missing-page.md")),
                 qPrintable(help.linkMessage()));
        help.followLink(QUrl(QStringLiteral("science.md")));
        QVERIFY(help.linkMessage().isEmpty());
    }

    void docsFolderOfTheEnvironmentComesFirst()
    {
        QTemporaryDir resources;
        QVERIFY(resources.isValid());
        QVERIFY(QDir(resources.path()).mkpath(QStringLiteral("docs")));
        QFile page(resources.filePath(QStringLiteral("docs/guide.md")));
        QVERIFY(page.open(QIODevice::WriteOnly));
        page.write("# A guide of the environment's docs folder\n");
        page.close();
        qputenv("MINIMASCOPE_RESOURCES", resources.path().toUtf8());
        const QStringList folders = HelpWindow::docsFolders();
        HelpWindow help;
        const bool opened = help.openPage(QStringLiteral("guide.md"));
        qunsetenv("MINIMASCOPE_RESOURCES");
        QCOMPARE(folders.first(), QDir::cleanPath(resources.filePath(QStringLiteral("docs"))));
        QCOMPARE(folders.last(), QDir::cleanPath(kDocs));   // the source tree last
        QVERIFY(opened);
        QCOMPARE(help.browser()->document()->firstBlock().text(),
                 QStringLiteral("A guide of the environment's docs folder"));
    }

    void aboutNamesTheVersionLicenseAndPapers()
    {
        MainWindow window;
        window.findChild<QAction*>(QStringLiteral("aboutAction"))->trigger();
        AboutDialog* about = window.help()->aboutDialog();
        QVERIFY(about);
        QVERIFY(about->isVisible());
        QVERIFY(!about->isModal());
        const QString html = about->text();
        const QString text = QTextDocumentFragment::fromHtml(html).toPlainText();
        QVERIFY2(text.contains(QStringLiteral("MinimaScope " MINIMASCOPE_VERSION)), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("MIT License")));
        const qsizetype wu = text.indexOf(QStringLiteral("L. Wu, C. Ma, W. E."));
        const qsizetype li = text.indexOf(QStringLiteral("H. Li, Z. Xu"));
        QVERIFY(wu >= 0);
        QVERIFY(li > wu);   // Wu, Ma & E first
        QVERIFY(html.contains(QStringLiteral("href=\"https://arxiv.org/abs/1712.09913\"")));
        QVERIFY(html.contains(QStringLiteral("href=\"https://nips.cc/virtual/2018/poster/11792\"")));
        const QString guide = QFileInfo(kDocs + QStringLiteral("/guide.md")).absoluteFilePath();
        QVERIFY2(text.contains(guide), qPrintable(text));   // where the user guide is
        about->close();
    }

    void windowIconDraws()
    {
        const QIcon icon = applicationIcon();
        QVERIFY(!icon.isNull());
        const QImage image = icon.pixmap(64, 64).toImage().convertToFormat(QImage::Format_ARGB32);
        QCOMPARE(image.size(), QSize(64, 64));
        // The SVG's rounded square starts 8/256 of the way in: the corner is clear, the middle not.
        QCOMPARE(qAlpha(image.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(image.pixel(32, 32)), 255);
    }

    void emptySpectrumSaysHowToFillIt()
    {
        SpectrumPlot plot;
        plot.resize(500, 300);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        QLabel* hint = plot.emptyHint();
        QVERIFY(hint->isVisible());
        QVERIFY(hint->text().startsWith(QStringLiteral("No spectrum yet.")));
        QVERIFY(hint->text().contains(QStringLiteral("Analyze spectrum (Run menu)")));
        // Centred over the axes' data area (TestPlotsSeries checks it stays inside it).
        const QPoint hintCentre = hint->mapTo(plot.customPlot(), hint->rect().center());
        const QPoint areaCentre = plot.customPlot()->axisRect()->rect().center();
        QVERIFY(qAbs(hintCentre.x() - areaCentre.x()) < 20);

        plot.setDensity({0.0, 1.0, 2.0}, {0.5, 0.25, 0.125});
        QVERIFY(!hint->isVisible());
        plot.clear();
        QVERIFY(hint->isVisible());
        plot.setTopEigenvalues({3.0});   // eigenvalues alone fill it too
        QVERIFY(!hint->isVisible());
    }

private:
    QTemporaryDir m_settingsDir;
};

MINIMASCOPE_TEST_WIDGETS(TestHelp)
#include "TestHelp.moc"
