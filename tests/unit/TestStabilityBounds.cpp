// The closed-form stability bounds (core/analysis/StabilityBounds.h) for both batch draws,
// against values worked out independently (Python): the Theorem's B-subsets,
// c = (n - B) / (B (n - 1)) and s <= sqrt(B (n - 1) / (n - B)) / eta, and B draws with
// replacement, c = 1 / B and s <= sqrt(B) / eta (finite even for B = n).
#include "analysis/StabilityBounds.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace minimascope::core;

Q_DECLARE_METATYPE(minimascope::core::BatchDraw)

namespace {

// One division and one square root: only double rounding separates the library's values from
// the independently computed ones.
constexpr double kBoundRelTolerance = 1e-14;
constexpr double inf = std::numeric_limits<double>::infinity();

}   // namespace

class TestStabilityBounds : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void closedForms_data()
    {
        QTest::addColumn<BatchDraw>("draw");
        QTest::addColumn<double>("eta");
        QTest::addColumn<qint64>("batchSize");
        QTest::addColumn<qint64>("n");
        QTest::addColumn<double>("noise");    // c
        QTest::addColumn<double>("sBound");   // inf: no bound
        const BatchDraw subsets = BatchDraw::WithoutReplacement;
        const BatchDraw replacement = BatchDraw::WithReplacement;
        // B = 10 of n = 1000, eta = 0.1: c = 990 / 9990; sqrt(10 * 999 / 990) / 0.1.
        QTest::newRow("subsets B=10 n=1000")
            << subsets << 0.1 << qint64(10) << qint64(1000) << 0.0990990990990991 << 31.766191290283906;
        // With replacement: c = 1/10, sqrt(10) / 0.1, a little tighter than for subsets.
        QTest::newRow("replacement B=10 n=1000")
            << replacement << 0.1 << qint64(10) << qint64(1000) << 0.1 << 31.622776601683793;
        // GD: the whole set every step, no noise and no bound on s ...
        QTest::newRow("subsets B=n") << subsets << 0.1 << qint64(1000) << qint64(1000) << 0.0 << inf;
        // ... but n independent draws still miss some examples and repeat others: c = 1/n.
        QTest::newRow("replacement B=n") << replacement << 0.1 << qint64(1000) << qint64(1000) << 0.001
                                         << 316.2277660168379;
        // The escape toy (docs/science.md, "The escape toy"), eta = 0.7, n = 2: for B = 1 both draws are the
        // same (one example a step), s <= 1/eta; for B = 2 only the draw with replacement is noisy.
        QTest::newRow("escape toy subsets B=1")
            << subsets << 0.7 << qint64(1) << qint64(2) << 1.0 << 1.4285714285714286;
        QTest::newRow("escape toy replacement B=1")
            << replacement << 0.7 << qint64(1) << qint64(2) << 1.0 << 1.4285714285714286;
        QTest::newRow("escape toy subsets B=2") << subsets << 0.7 << qint64(2) << qint64(2) << 0.0 << inf;
        QTest::newRow("escape toy replacement B=2")
            << replacement << 0.7 << qint64(2) << qint64(2) << 0.5 << 2.0203050891044216;
        // A single example: with replacement it is drawn every time, c = 1.
        QTest::newRow("replacement n=1") << replacement << 0.5 << qint64(1) << qint64(1) << 1.0 << 2.0;
    }

    void closedForms()
    {
        QFETCH(BatchDraw, draw);
        QFETCH(double, eta);
        QFETCH(qint64, batchSize);
        QFETCH(qint64, n);
        QFETCH(double, noise);
        QFETCH(double, sBound);
        QCOMPARE(sharpnessBound(eta), 2.0 / eta);
        const double c = noiseFactor(batchSize, n, draw);
        if (noise == 0.0)
            QCOMPARE_EQ(c, 0.0);
        else
            MS_COMPARE_RELATIVE(c, noise, kBoundRelTolerance);
        const double s = nonUniformityBound(eta, batchSize, n, draw);
        if (std::isinf(sBound))
            QVERIFY2(std::isinf(s) && s > 0, qPrintable(QString::number(s, 'g', 17)));
        else
            MS_COMPARE_RELATIVE(s, sBound, kBoundRelTolerance);
    }

    void theoremsSettingIsTheDefault()
    {
        QCOMPARE(noiseFactor(10, 1000), noiseFactor(10, 1000, BatchDraw::WithoutReplacement));
        QCOMPARE(nonUniformityBound(0.1, 10, 1000), nonUniformityBound(0.1, 10, 1000, BatchDraw::WithoutReplacement));
    }

    void replacementIsNoisierThanSubsets()
    {
        // (n - B) / (B (n - 1)) <= 1 / B for every 1 <= B <= n, with equality only at B = 1.
        for (const qint64 n : {2, 7, 1000}) {
            for (qint64 b = 1; b <= n; b += (b < 10 ? 1 : 97)) {
                const double subsets = noiseFactor(b, n, BatchDraw::WithoutReplacement);
                const double replacement = noiseFactor(b, n, BatchDraw::WithReplacement);
                QVERIFY(subsets <= replacement);
                QCOMPARE(subsets == replacement, b == 1);
            }
        }
    }

    void argumentsOutOfRangeThrow_data()
    {
        QTest::addColumn<BatchDraw>("draw");
        QTest::newRow("subsets") << BatchDraw::WithoutReplacement;
        QTest::newRow("replacement") << BatchDraw::WithReplacement;
    }

    void argumentsOutOfRangeThrow()
    {
        QFETCH(BatchDraw, draw);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sharpnessBound(0.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, noiseFactor(0, 10, draw));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, noiseFactor(11, 10, draw));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, nonUniformityBound(-1.0, 1, 10, draw));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, nonUniformityBound(0.1, 0, 10, draw));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 nonUniformityBound(std::numeric_limits<double>::quiet_NaN(), 1, 10, draw));
    }

    void drawsAreNamed()
    {
        QCOMPARE(QString::fromLatin1(toString(BatchDraw::WithoutReplacement)), QStringLiteral("without replacement"));
        QCOMPARE(QString::fromLatin1(toString(BatchDraw::WithReplacement)), QStringLiteral("with replacement"));
    }
};

MINIMASCOPE_TEST_APPLESS(TestStabilityBounds)
#include "TestStabilityBounds.moc"
