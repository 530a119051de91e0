// Project files (ui/controllers/ProjectFile.h) read back what they hold, and a damaged count is
// refused with a message naming it: a batch size, n or iteration that is not a whole number from
// 0 to 2^53 (1e300, -5, 2.5, text) used to be cast to an integer, which is undefined behaviour.
#include "controllers/ProjectFile.h"
#include "support/TestSuite.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace minimascope::ui;

namespace {

// A minimal project; `replace` swaps one text for another in it (to damage a field).
QByteArray project(const QByteArray& from = {}, const QByteArray& to = {})
{
    QByteArray text = R"({"format": "minimascope-project", "version": 1, "config": {},
        "run": {"eta": 0.1, "batch_size": 10, "n": 100, "label": "sgd"},
        "metrics": [[25, 1.5, 0.5, 0.4, 0.9, 0.6, 0.8]],
        "curvature": [[50, 2.0, 1.5, 0.25]],
        "session": [{"a": 2.0, "s": 1.5, "eta": 0.1, "batch_size": 10, "label": "sgd"}]})";
    if (!from.isEmpty())
        text.replace(from, to);
    return text;
}

}   // namespace

class TestProjectFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsWhatItHolds()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.msproj"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(project());
        file.close();
        RunRecord record;
        QString error;
        QVERIFY2(loadProject(path, &record, &error), qPrintable(error));
        QCOMPARE(record.shape.batchSize, qint64(10));
        QCOMPARE(record.shape.trainSize, qint64(100));
        QCOMPARE(record.metrics.size(), 1);
        QCOMPARE(record.metrics[0].iteration, qint64(25));
        QCOMPARE(record.metrics[0].trainLoss, 0.4);
        QCOMPARE(record.samples.size(), 1);
        QCOMPARE(record.samples[0].iteration, qint64(50));
        QCOMPARE(record.session.size(), 1);
        QCOMPARE(record.session[0].batchSize, qint64(10));

        // And what it writes reads back the same.
        const QString again = dir.filePath(QStringLiteral("again.msproj"));
        QVERIFY2(saveProject(again, record, &error), qPrintable(error));
        RunRecord reread;
        QVERIFY2(loadProject(again, &reread, &error), qPrintable(error));
        QCOMPARE(reread.shape.trainSize, record.shape.trainSize);
        QCOMPARE(reread.metrics[0].iteration, record.metrics[0].iteration);
        QCOMPARE(reread.samples[0].sharpness, 2.0);
        QCOMPARE(reread.session[0].s, 1.5);
    }

    void refusesDamagedCounts_data()
    {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::addColumn<QString>("expected");
        const QString run = QStringLiteral("run.batch_size and run.n must be whole numbers");
        QTest::newRow("batch size 1e300")
            << QByteArray(R"("batch_size": 10, "n")") << QByteArray(R"("batch_size": 1e300, "n")") << run;
        QTest::newRow("negative n") << QByteArray(R"("n": 100)") << QByteArray(R"("n": -5)") << run;
        QTest::newRow("fractional n") << QByteArray(R"("n": 100)") << QByteArray(R"("n": 2.5)") << run;
        QTest::newRow("n as text") << QByteArray(R"("n": 100)") << QByteArray(R"("n": "100")") << run;
        QTest::newRow("metrics iteration 1e300")
            << QByteArray("[[25,") << QByteArray("[[1e300,")
            << QStringLiteral("metrics row 1 is not 7 numbers, the first an iteration");
        QTest::newRow("curvature iteration null")
            << QByteArray("[[50,") << QByteArray("[[null,")
            << QStringLiteral("curvature row 1 is not 4 numbers, the first an iteration");
        QTest::newRow("session batch size 2^60")
            << QByteArray(R"("eta": 0.1, "batch_size": 10, "label")")
            << QByteArray(R"("eta": 0.1, "batch_size": 1152921504606846976, "label")")
            << QStringLiteral("session point 1 has no whole batch_size");
    }

    void refusesDamagedCounts()
    {
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QFETCH(QString, expected);
        const QByteArray text = project(from, to);
        QVERIFY2(text != project(), "the damage did not apply");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("damaged.msproj"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
        file.close();
        RunRecord record;
        QString error;
        QVERIFY(!loadProject(path, &record, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.startsWith(path), qPrintable(error));
    }
};

MINIMASCOPE_TEST_GUILESS(TestProjectFile)
#include "TestProjectFile.moc"
