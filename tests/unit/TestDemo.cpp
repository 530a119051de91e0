// The teaching demos' core (core/demos): every shipped demo file reads, its runs and its
// try-next change are valid run configs, its explanation names a paper with an arXiv id;
// broken demo files are InputErrors naming the key; and the escape-toy lesson's numbers are
// the exact ones of SCIENCE.md section 1: (a, s) = (2, 0) at x = 0 and (2, 1.8) at x = 1, GD
// from 0.99 stays at 1 and SGD with B = 1 leaves it for 0; the filter-normalization lesson's
// normalized directions have the minimum's filter norms, its raw ones the N(0, 1) expectation,
// and both planes pass through the minimum's loss.
#include "common/InputError.h"
#include "demos/Demo.h"
#include "demos/EscapeToyLesson.h"
#include "demos/NormalizationLesson.h"
#include "train/RunConfig.h"
#include "support/TestSuite.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <string>

using namespace minimascope::core;
using nlohmann::json;

namespace {

// The model is float32 and 0.1, 1.9 are not exact in binary: the issue asks for 2e-3, the
// products agree far closer.
constexpr double kEscapeTolerance = 2e-3;
// Filter norms of float32 vectors, rescaled in float32 and summed in double.
constexpr double kFilterNormTolerance = 1e-5;
// E|d|^2 of a raw N(0, 1) direction is its number of weights W, with standard deviation
// sqrt(2W) (about 4% for the lesson's 1,152 weights): 15% is more than three deviations.
constexpr double kRawNormTolerance = 0.15;
// The plane's centre is the minimum itself; the surface and the Trainer evaluate it in float32
// along different paths (fused first layer vs module forward).
constexpr double kCentreLossTolerance = 1e-4;

} // namespace

class TestDemo : public QObject {
    Q_OBJECT

private:
    // Writes NAME.json (and NAME.md) into m_dir and reads it back.
    Demo readWritten(const json& document)
    {
        const QString md = m_dir.filePath(QStringLiteral("demo.md"));
        QFile explanation(md);
        if (!explanation.exists() && explanation.open(QIODevice::WriteOnly))
            explanation.write("## A demo\n");
        QFile file(m_dir.filePath(QStringLiteral("demo.json")));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw std::runtime_error("cannot write the demo file");
        file.write(QByteArray::fromStdString(document.dump()));
        file.close();
        return readDemoFile(file.fileName().toStdString());
    }

    static json validDemo()
    {
        return json{{"format", "minimascope-demo"},
                    {"version", 1},
                    {"title", "A demo"},
                    {"summary", "One sentence."},
                    {"seconds", 5},
                    {"explanation", "demo.md"},
                    {"runs", json::array({{{"label", "GD"}, {"preset", "escape-toy-gd"}}})},
                    {"try_next", {{"setting", "optimizer.lr"}, {"value", 0.3}, {"text", "Lower η."}}}};
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void everyShippedDemoReads()
    {
        const std::vector<Demo> demos = listDemos();
        QVERIFY2(demos.size() >= 3, "the escape, flatter and edge-of-stability demos are shipped");
        for (const Demo& demo : demos) {
            QVERIFY(!demo.title.empty() && !demo.summary.empty());
            QVERIFY(demo.seconds > 0 && demo.seconds <= 90);   // seconds to about a minute
            for (const DemoRun& run : demo.runs)
                QVERIFY(RunConfig::fromJson(run.config).stop.maxIterations > 0);
            // The try-next change is a real, valid change of the first run.
            const json changed = tryNextConfig(demo);
            QVERIFY(changed != demo.runs.front().config);
            (void)RunConfig::fromJson(changed);
            const std::string text = readDemoExplanation(demo);
            QVERIFY2(text.find("arXiv:") != std::string::npos, demo.name.c_str());
            QVERIFY2(text.find("What to watch") != std::string::npos, demo.name.c_str());
            if (!demo.picturePath.empty())
                QVERIFY(QFile::exists(QString::fromStdString(demo.picturePath)));
        }
    }

    void escapeDemoIsTheEscapeToy()
    {
        const Demo demo = findDemo("escape");
        QCOMPARE(demo.view, std::string("escape-toy"));
        QCOMPARE(demo.runs.size(), size_t(2));
        QCOMPARE(demo.runs[0].preset, std::string("escape-toy-sgd"));
        QCOMPARE(tryNextConfig(demo)["optimizer"]["lr"].get<double>(), 0.3);
    }

    void filterNormalizationLesson()
    {
        const Demo demo = findDemo("filter-normalization");
        QCOMPARE(demo.view, std::string("normalization"));
        std::vector<json> configs;
        for (const DemoRun& run : demo.runs)
            configs.push_back(run.config);
        QCOMPARE(configs.size(), size_t(2));   // small-batch SGD and GD
        NormalizationLessonSettings settings;
        settings.resolution = 5;   // the centre (index 2) is the minimum
        const NormalizationLesson lesson = computeNormalizationLesson(configs, settings);
        QVERIFY(lesson.status == RunStatus::Finished);
        QCOMPARE(lesson.minima.size(), size_t(2));
        // 2-32-32-2: 32 + 32 + 2 filters, 64 + 1024 + 64 weights.
        constexpr size_t kFilters = 66;
        constexpr double kWeights = 1152.0;
        for (const NormalizationMinimum& minimum : lesson.minima) {
            QVERIFY(minimum.trainStatus == RunStatus::Finished);
            QVERIFY(minimum.trainLoss < 0.01);   // the runs' stop rule
            QCOMPARE(minimum.parameterFilterNorms.size(), kFilters);
            QCOMPARE(minimum.normalizedFilterNorms.size(), kFilters);
            QCOMPARE(minimum.rawFilterNorms.size(), kFilters);
            double squares = 0.0;
            for (size_t i = 0; i < kFilters; ++i) {
                const double theta = minimum.parameterFilterNorms[i];
                QVERIFY2(std::abs(minimum.normalizedFilterNorms[i] - theta) <= kFilterNormTolerance * theta,
                         qPrintable(QStringLiteral("filter %1: %2 vs %3")
                                        .arg(i)
                                        .arg(minimum.normalizedFilterNorms[i])
                                        .arg(theta)));
                squares += minimum.rawFilterNorms[i] * minimum.rawFilterNorms[i];
            }
            QVERIFY2(std::abs(squares / kWeights - 1.0) < kRawNormTolerance, qPrintable(QString::number(squares)));
            for (const LandscapeGrid* grid : {&minimum.raw, &minimum.filterNormalized}) {
                QCOMPARE(grid->xs.size(), size_t(5));
                QCOMPARE(grid->xs[2], 0.0);
                QCOMPARE(grid->ys[2], 0.0);
                const double centre = grid->loss[grid->index(2, 2)];
                QVERIFY2(std::abs(centre - minimum.trainLoss) <= kCentreLossTolerance * minimum.trainLoss + 1e-7,
                         qPrintable(QStringLiteral("%1 vs %2").arg(centre).arg(minimum.trainLoss)));
                for (size_t k = 0; k < grid->loss.size(); ++k)
                    QVERIFY(std::isfinite(grid->loss[k]) && grid->loss[k] >= centre * (1.0 - 1e-3));
            }
        }
    }

    void aMissingDemoListsTheKnownOnes()
    {
        try {
            (void)findDemo("no-such-demo");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("escape") != std::string::npos);
        }
    }

    void brokenDemoFilesNameTheKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("patch");   // a JSON merge patch of the valid demo
        QTest::newRow("unknown key") << "colour" << R"({"colour": "red"})";
        QTest::newRow("no title") << "title" << R"({"title": null})";
        QTest::newRow("empty summary") << "summary" << R"({"summary": ""})";
        QTest::newRow("negative seconds") << "seconds" << R"({"seconds": -1})";
        QTest::newRow("wrong format") << "format" << R"({"format": "minimascope-run"})";
        QTest::newRow("wrong version") << "version" << R"({"version": 2})";
        QTest::newRow("missing explanation") << "explanation" << R"({"explanation": "nothing.md"})";
        QTest::newRow("explanation outside") << "explanation" << R"({"explanation": "../demo.md"})";
        QTest::newRow("unknown view") << "view" << R"({"view": "movie"})";
        QTest::newRow("no runs") << "runs" << R"({"runs": []})";
        QTest::newRow("unknown preset") << "runs[0].preset" << R"({"runs": [{"label": "x", "preset": "nope"}]})";
        QTest::newRow("preset and config") << "runs[0]"
                                           << R"({"runs": [{"label": "x", "preset": "escape-toy-gd", "config": {}}]})";
        QTest::newRow("bad run config") << "runs[0].config"
                                        << R"({"runs": [{"label": "x", "config": {"optimizer": {"lr": -1}}}]})";
        QTest::newRow("bad try-next value") << "try_next" << R"({"try_next": {"value": -2}})";
        QTest::newRow("try-next typo") << "try_next" << R"({"try_next": {"setting": "optimizer.lrr"}})";
        QTest::newRow("try-next no text") << "try_next.text" << R"({"try_next": {"text": null}})";
        QTest::newRow("bad measure_every") << "measure_every" << R"({"measure_every": 1.5})";
        QTest::newRow("bad measure_non_uniformity") << "measure_non_uniformity" << R"({"measure_non_uniformity": 0})";
    }

    void brokenDemoFilesNameTheKey()
    {
        QFETCH(QString, key);
        QFETCH(QString, patch);
        json document = validDemo();
        document.merge_patch(json::parse(patch.toStdString()));
        try {
            (void)readWritten(document);
            QFAIL("no error");
        } catch (const InputError& e) {
            const std::string message = e.what();
            QVERIFY2(e.key() == key.toStdString(), (e.key() + " / " + message).c_str());
            QVERIFY2(message.find("demo.json") != std::string::npos, message.c_str());
        }
    }

    void theValidDemoReads()
    {
        const Demo demo = readWritten(validDemo());
        QCOMPARE(demo.name, std::string("demo"));
        QCOMPARE(demo.seconds, 5.0);
        QCOMPARE(demo.tryNext.setting, std::string("optimizer.lr"));
    }

    void escapeToyMinimaAreExact_data()
    {
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("sharpness");
        QTest::addColumn<double>("nonUniformity");
        QTest::newRow("x = 0") << 0.0 << 2.0 << 0.0;
        QTest::newRow("x = 1") << 1.0 << 2.0 << 1.8;
    }

    void escapeToyMinimaAreExact()
    {
        QFETCH(double, x);
        QFETCH(double, sharpness);
        QFETCH(double, nonUniformity);
        const EscapeToyPoint point = measureEscapeToyPoint(x);
        QVERIFY2(std::abs(point.sharpness - sharpness) < kEscapeTolerance, qPrintable(QString::number(point.sharpness)));
        QVERIFY2(std::abs(point.nonUniformity - nonUniformity) < kEscapeTolerance,
                 qPrintable(QString::number(point.nonUniformity)));
        QVERIFY(std::abs(point.loss) < 1e-12);
    }

    void escapeToyCurvesAreTheLosses()
    {
        const EscapeToyCurves curves = escapeToyCurves(-0.5, 1.5, 5);   // x = -0.5, 0, 0.5, 1, 1.5
        QCOMPARE(curves.x.size(), size_t(5));
        QVERIFY(std::abs(curves.example1[2] - 0.025) < 1e-6);   // min{0.25, 0.1 * 0.25}
        QVERIFY(std::abs(curves.example2[2] - 0.25) < 1e-6);    // min{0.25, 1.9 * 0.25}
        QVERIFY(std::abs(curves.mean[1]) < 1e-9 && std::abs(curves.mean[3]) < 1e-9);
        QVERIFY(std::abs(curves.mean[4] - 0.5 * (0.1 + 1.9) * 0.25) < 1e-6);
    }

    void gdStaysAndSgdEscapes()
    {
        EscapeToySettings settings;   // eta 0.7 from 0.99, 200 steps
        const EscapeToyPath gd = escapeToyIterates(settings, true);
        QCOMPARE(gd.x.size(), size_t(settings.steps + 1));
        QVERIFY(std::abs(gd.x.front() - 0.99) < 1e-6);   // x is a float32 parameter
        QVERIFY(std::abs(gd.x.back() - 1.0) < 1e-6);
        const EscapeToyPath sgd = escapeToyIterates(settings, false);
        QVERIFY(std::abs(sgd.x.back()) < 1e-3);
        // Lower eta: the s bound 1/eta = 3.3 exceeds 1.8, SGD stays at x = 1 too.
        settings.eta = 0.3;
        QVERIFY(std::abs(escapeToyIterates(settings, false).x.back() - 1.0) < 1e-3);
    }
};

MINIMASCOPE_TEST_GUILESS(TestDemo)
#include "TestDemo.moc"
