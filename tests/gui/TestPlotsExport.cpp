// Image, CSV and figure-sheet export of the plot panels: files exist, decode, have the requested
// size, and failures name the path.
#include "FigureSheet.h"
#include "LossPlot.h"
#include "QCustomPlotInclude.h"
#include "SharpnessPlot.h"
#include "SpectrumPlot.h"
#include "StabilityDiagram.h"
#include "support/FileBytes.h"
#include "support/TestSuite.h"

#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace minimascope::ui;

using minimascope::testsupport::readAll;

namespace {
// PDF page sizes are written in points with Qt's rounding to 1/100 pt or so; one point is far
// below anything a reader would notice and far above the rounding.
constexpr double pageSizeTolerancePt = 1.0;
// The PNG dpi is stored as dots per metre, an integer: about 0.013 dpi of rounding.
constexpr double dpiTolerance = 0.05;
// A4 in points (ISO 216: 297 mm × 210 mm).
constexpr double a4LongPt = 841.89;
constexpr double a4ShortPt = 595.28;

// Width and height of each page's /MediaBox.
QList<QSizeF> pdfPageSizes(const QByteArray& pdf)
{
    QList<QSizeF> sizes;
    static const QRegularExpression box(
        QStringLiteral("/MediaBox\\s*\\[\\s*([-0-9.]+)\\s+([-0-9.]+)\\s+([-0-9.]+)\\s+([-0-9.]+)\\s*\\]"));
    auto it = box.globalMatch(QString::fromLatin1(pdf));
    while (it.hasNext()) {
        const auto m = it.next();
        sizes << QSizeF(m.captured(3).toDouble() - m.captured(1).toDouble(),
                        m.captured(4).toDouble() - m.captured(2).toDouble());
    }
    return sizes;
}

std::unique_ptr<LossPlot> makeLossPlot()
{
    auto plot = std::make_unique<LossPlot>();
    plot->resize(600, 400);
    for (int i = 0; i <= 200; ++i)
        plot->appendEvaluation(i * 10, 2.3 * std::exp(-i / 40.0), 2.4 * std::exp(-i / 50.0),
                               1.0 - 0.9 * std::exp(-i / 30.0), 0.9 - 0.8 * std::exp(-i / 40.0));
    return plot;
}
}   // namespace

class TestPlotsExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void png_data();
    void png();
    void svg();
    void pdf_data();
    void pdf();
    void themeBackgroundInImage();
    void unwritablePathFails_data();
    void unwritablePathFails();
    void unknownSuffixFails();
    void csvFile();
    void figureSheet();
    void figureSheetRejectsNoPanels();

private:
    QTemporaryDir m_dir;
};

void TestPlotsExport::png_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("dpi");
    QTest::newRow("screen 640x400") << QSize(640, 400) << 96.0;
    QTest::newRow("print 1800x1200 at 300 dpi") << QSize(1800, 1200) << 300.0;
    QTest::newRow("odd 333x257 at 150 dpi") << QSize(333, 257) << 150.0;
}

void TestPlotsExport::png()
{
    QFETCH(QSize, size);
    QFETCH(double, dpi);
    auto plot = makeLossPlot();
    const QString path = m_dir.filePath(QStringLiteral("loss.png"));
    QString error;
    QVERIFY2(plot->exportImage(path, size, dpi, &error), qPrintable(error));
    QImage image;
    QVERIFY(image.load(path, "PNG"));
    QCOMPARE(image.size(), size);
    QVERIFY(std::abs(image.dotsPerMeterX() * 0.0254 - dpi) < dpiTolerance);
    // Something was drawn: axes, text and curves give many distinct colors.
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colors.insert(image.pixel(x, y));
    QVERIFY2(colors.size() > 10, qPrintable(QString::number(colors.size())));
}

void TestPlotsExport::svg()
{
    StabilityDiagram diagram;
    diagram.resize(600, 450);
    diagram.setBounds(0.1, 10, 1000);
    diagram.appendMeasurement(10.0, 12.0);
    diagram.appendMeasurement(14.0, 20.0);
    const QString path = m_dir.filePath(QStringLiteral("stability.svg"));
    QString error;
    QVERIFY2(diagram.exportImage(path, QSize(800, 600), 96.0, &error), qPrintable(error));
    QSvgRenderer renderer(path);
    QVERIFY(renderer.isValid());
    QCOMPARE(renderer.viewBox(), QRect(0, 0, 800, 600));
    // The title with its citation is text in the SVG (XML-escaped ampersand).
    QVERIFY(readAll(path).contains("Wu, Ma &amp; E 2018"));
}

void TestPlotsExport::pdf_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("dpi");
    QTest::newRow("640x400 at 96 dpi") << QSize(640, 400) << 96.0;
    QTest::newRow("1200x900 at 300 dpi") << QSize(1200, 900) << 300.0;
}

void TestPlotsExport::pdf()
{
    QFETCH(QSize, size);
    QFETCH(double, dpi);
    SharpnessPlot plot;
    plot.resize(600, 400);
    plot.setLearningRate(0.1);
    for (int i = 0; i < 100; ++i)
        plot.appendSharpness(i, 20.0 * (1.0 - std::exp(-i / 20.0)));
    const QString path = m_dir.filePath(QStringLiteral("sharpness.pdf"));
    QString error;
    QVERIFY2(plot.exportImage(path, size, dpi, &error), qPrintable(error));
    const QByteArray bytes = readAll(path);
    QVERIFY(bytes.startsWith("%PDF"));
    QVERIFY(bytes.size() > 1000);
    // One page of size/dpi inches.
    const QList<QSizeF> pages = pdfPageSizes(bytes);
    QCOMPARE(pages.size(), 1);
    QVERIFY(std::abs(pages[0].width() - size.width() * 72.0 / dpi) < pageSizeTolerancePt);
    QVERIFY(std::abs(pages[0].height() - size.height() * 72.0 / dpi) < pageSizeTolerancePt);
}

void TestPlotsExport::themeBackgroundInImage()
{
    auto plot = makeLossPlot();
    for (const PlotTheme& theme : {PlotTheme::light(), PlotTheme::dark()}) {
        plot->setTheme(theme);
        const QString path = m_dir.filePath(QStringLiteral("theme.png"));
        QString error;
        QVERIFY2(plot->exportImage(path, QSize(400, 300), 96.0, &error), qPrintable(error));
        const QImage image(path);
        QCOMPARE(image.pixelColor(1, 1).rgb(), theme.background.rgb());
        QCOMPARE(image.pixelColor(398, 298).rgb(), theme.background.rgb());
    }
}

void TestPlotsExport::unwritablePathFails_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::newRow("png") << QStringLiteral("png");
    QTest::newRow("svg") << QStringLiteral("svg");
    QTest::newRow("pdf") << QStringLiteral("pdf");
}

void TestPlotsExport::unwritablePathFails()
{
    QFETCH(QString, suffix);
    auto plot = makeLossPlot();
    const QString path = m_dir.filePath(QStringLiteral("no/such/folder/plot.") + suffix);
    QString error;
    QVERIFY(!plot->exportImage(path, QSize(400, 300), 96.0, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY(!QFile::exists(path));
}

void TestPlotsExport::unknownSuffixFails()
{
    auto plot = makeLossPlot();
    const QString path = m_dir.filePath(QStringLiteral("plot.bmp"));
    QString error;
    QVERIFY(!plot->exportImage(path, QSize(400, 300), 96.0, &error));
    QVERIFY2(error.contains(path) && error.contains(QStringLiteral(".png")), qPrintable(error));
    QVERIFY(!plot->exportImage(m_dir.filePath(QStringLiteral("zero.png")), QSize(0, 300), 96.0, &error));
    QVERIFY(!plot->exportImage(m_dir.filePath(QStringLiteral("dpi.png")), QSize(10, 10), 0.0, &error));
}

void TestPlotsExport::csvFile()
{
    auto plot = makeLossPlot();
    const QString path = m_dir.filePath(QStringLiteral("loss.csv"));
    QString error;
    QVERIFY2(plot->exportCsv(path, &error), qPrintable(error));
    QCOMPARE(QString::fromUtf8(readAll(path)), plot->toCsv());
    QCOMPARE(plot->toCsv().count(QLatin1Char('\n')), 1 + 201);
    const QString bad = m_dir.filePath(QStringLiteral("missing/loss.csv"));
    QVERIFY(!plot->exportCsv(bad, &error));
    QVERIFY(error.contains(bad));
}

void TestPlotsExport::figureSheet()
{
    auto loss = makeLossPlot();
    SharpnessPlot sharpness;
    sharpness.setLearningRate(0.1);
    sharpness.appendSharpness(1, 5.0);
    sharpness.appendSharpness(2, 7.0);
    StabilityDiagram stability;
    stability.setBounds(0.1, 10, 1000);
    stability.appendMeasurement(5.0, 7.0);
    SpectrumPlot spectrum;
    spectrum.setDensity({0.0, 1.0, 2.0}, {1.0, 0.1, 0.01});
    spectrum.setTopEigenvalues({20.0});

    const QString path = m_dir.filePath(QStringLiteral("sheet.pdf"));
    QString error;
    QVERIFY2(exportFigureSheet({loss.get(), &sharpness, &stability, &spectrum}, path, &error), qPrintable(error));
    const QByteArray bytes = readAll(path);
    QVERIFY(bytes.startsWith("%PDF"));
    QVERIFY(bytes.size() > 1000);
    const QList<QSizeF> pages = pdfPageSizes(bytes);
    QCOMPARE(pages.size(), 1);   // four plots, one landscape A4 page
    QVERIFY(std::abs(pages[0].width() - a4LongPt) < pageSizeTolerancePt);
    QVERIFY(std::abs(pages[0].height() - a4ShortPt) < pageSizeTolerancePt);

    // A fifth plot continues on a second page.
    QVERIFY2(exportFigureSheet({loss.get(), &sharpness, &stability, &spectrum, loss.get()}, path, &error),
             qPrintable(error));
    QCOMPARE(pdfPageSizes(readAll(path)).size(), 2);
}

void TestPlotsExport::figureSheetRejectsNoPanels()
{
    QString error;
    const QString path = m_dir.filePath(QStringLiteral("empty.pdf"));
    QVERIFY(!exportFigureSheet({}, path, &error));
    QVERIFY(error.contains(path));
    QVERIFY(!exportFigureSheet({nullptr}, path, &error));
    const QString bad = m_dir.filePath(QStringLiteral("missing/sheet.pdf"));
    auto loss = makeLossPlot();
    QVERIFY(!exportFigureSheet({loss.get()}, bad, &error));
    QVERIFY(error.contains(bad));
}

MINIMASCOPE_TEST_WIDGETS(TestPlotsExport)
#include "TestPlotsExport.moc"
