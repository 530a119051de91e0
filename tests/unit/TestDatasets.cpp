// Subsets, standardization and the built-in synthetic data sets.
#include "common/InputError.h"
#include "data/Dataset.h"
#include "data/DatasetTransforms.h"
#include "data/SyntheticDatasets.h"
#include "support/CompareNear.h"
#include "support/InputErrorOf.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>

#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

using namespace minimascope::core;

namespace {

// How often each of 10 class members is picked in 3000 draws of 3: 900 on average, binomial
// standard deviation ~25; the bound is five of them.
constexpr int kPickCountTolerance = 125;
// Standardized float32 inputs: each value rounded to ~6e-8 relative; their mean and spread in
// double stay within ~100 float32 epsilons of 0 and 1.
constexpr double kStandardizedTolerance = 1e-5;
// Noise-free synthetic points computed in float32 from double curves: a few float32 roundings of
// values of order 1-3.
constexpr double kCurveTolerance = 1e-6;
// The outer moon's points have y = sin t >= 0; the bound leaves room for a float32 rounding near 0.
constexpr double kMoonFloorTolerance = 1e-7;
// Mean and spread of 1500 standard normal inputs: standard errors ~0.026 and ~0.018; the bound
// is about four of them.
constexpr double kNormalMomentTolerance = 0.1;

// A classification set whose first input column is the example's index, so that subsets
// show which examples they took.
Dataset labelled(const std::vector<int64_t>& labels, int64_t numClasses)
{
    const auto n = static_cast<int64_t>(labels.size());
    Dataset d;
    d.name = "labelled";
    d.task = Task::Classification;
    d.inputs = at::arange(n, at::kFloat).unsqueeze(1).repeat({1, 3});
    d.targets = at::tensor(labels, at::kLong);
    d.numClasses = numClasses;
    d.inputShape = {3};
    return d;
}

// 100 examples of 4 classes with 40, 30, 20 and 10 members, interleaved.
Dataset unevenClasses()
{
    std::vector<int64_t> labels;
    for (int64_t i = 0; i < 100; ++i)
        labels.push_back(i % 10 < 4 ? 0 : i % 10 < 7 ? 1 : i % 10 < 9 ? 2 : 3);
    return labelled(labels, 4);
}

std::vector<int64_t> indicesOf(const Dataset& d)
{
    const at::Tensor column = d.inputs.select(1, 0).to(at::kLong);
    return std::vector<int64_t>(column.data_ptr<int64_t>(), column.data_ptr<int64_t>() + column.numel());
}

std::vector<int64_t> classCounts(const Dataset& d)
{
    const at::Tensor counts = at::bincount(d.targets, {}, d.numClasses);
    return std::vector<int64_t>(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + counts.numel());
}

bool sameData(const Dataset& a, const Dataset& b)
{
    return a.name == b.name && a.numClasses == b.numClasses && a.inputShape == b.inputShape
           && at::equal(a.inputs, b.inputs) && at::equal(a.targets, b.targets);
}

Dataset regressionSet()
{
    Dataset d;
    d.name = "regression";
    d.task = Task::Regression;
    d.inputs = at::arange(20, at::kFloat).reshape({10, 2});
    d.targets = at::zeros({10, 1}, at::kFloat);
    d.inputShape = {2};
    return d;
}

using Generator = std::function<Dataset(uint64_t seed)>;

}   // namespace

Q_DECLARE_METATYPE(Generator)

class TestDatasets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void takeFirst_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::newRow("one") << qint64(1);
        QTest::newRow("some") << qint64(7);
        QTest::newRow("all") << qint64(100);
    }
    void takeFirst()
    {
        QFETCH(qint64, n);
        const Dataset data = unevenClasses();
        Dataset first = minimascope::core::takeFirst(data, n);
        QCOMPARE(first.size(), int64_t(n));
        QVERIFY(at::equal(first.inputs, data.inputs.slice(0, 0, n)));
        QVERIFY(at::equal(first.targets, data.targets.slice(0, 0, n)));
        QCOMPARE(first.numClasses, data.numClasses);
        QCOMPARE(first.inputShape, data.inputShape);
        first.inputs.zero_();   // the result owns its tensors
        QCOMPARE(data.inputs[0][0].item<float>(), 0.0f);
        QCOMPARE(data.inputs[n - 1][0].item<float>(), float(n - 1));
        QCOMPARE(data.inputs.sum().item<float>(), 3.0f * 99 * 100 / 2);
    }

    void takeFirstWorksForEveryTask()
    {
        const Dataset first = minimascope::core::takeFirst(regressionSet(), 3);
        QVERIFY(first.task == Task::Regression);
        QCOMPARE(first.targets.sizes().vec(), (std::vector<int64_t>{3, 1}));
        const Dataset toy = minimascope::core::takeFirst(makeEscapeToy(), 1);
        QCOMPARE(toy.inputs[0][0].item<float>(), 0.1f);
    }

    void takeFirstRejectsBadN_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::newRow("zero") << qint64(0);
        QTest::newRow("negative") << qint64(-3);
        QTest::newRow("too many") << qint64(101);
    }
    void takeFirstRejectsBadN()
    {
        QFETCH(qint64, n);
        const QString message = inputErrorOf([&] { minimascope::core::takeFirst(unevenClasses(), n); });
        QVERIFY2(message.startsWith("labelled: ") && message.contains(QString::number(n)), qPrintable(message));
    }

    void stratifiedCounts_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<QList<qint64>>("expected");
        QTest::newRow("divisible") << qint64(8) << QList<qint64>{2, 2, 2, 2};
        QTest::newRow("remainder 1") << qint64(9) << QList<qint64>{3, 2, 2, 2};
        QTest::newRow("remainder 3") << qint64(39) << QList<qint64>{10, 10, 10, 9};
        QTest::newRow("one each") << qint64(4) << QList<qint64>{1, 1, 1, 1};
        QTest::newRow("smallest class whole") << qint64(40) << QList<qint64>{10, 10, 10, 10};
    }
    void stratifiedCounts()
    {
        QFETCH(qint64, n);
        QFETCH(QList<qint64>, expected);
        const Dataset data = unevenClasses();
        const Dataset sample = stratifiedSample(data, n, 42);
        QCOMPARE(sample.size(), int64_t(n));
        QCOMPARE(classCounts(sample), std::vector<int64_t>(expected.begin(), expected.end()));

        // Distinct examples, in file order, with their own labels.
        const std::vector<int64_t> index = indicesOf(sample);
        for (size_t i = 1; i < index.size(); ++i)
            QVERIFY(index[i - 1] < index[i]);
        QVERIFY(at::equal(sample.targets, data.targets.index_select(0, at::tensor(index))));

        QVERIFY(sameData(sample, stratifiedSample(data, n, 42)));
    }

    void stratifiedSeedsDiffer()
    {
        const Dataset data = unevenClasses();
        const Dataset a = stratifiedSample(data, 20, 1);
        const Dataset b = stratifiedSample(data, 20, 2);
        QCOMPARE(classCounts(a), classCounts(b));
        QVERIFY(indicesOf(a) != indicesOf(b));
    }

    // Each member of a class is equally likely: 10 members, 3 drawn, over 3000 seeds each is
    // picked 900 times on average (binomial std about 25).
    void stratifiedIsUniform()
    {
        std::vector<int64_t> labels(10, 0);
        labels.resize(20, 1);
        const Dataset data = labelled(labels, 2);
        std::vector<int> picked(20, 0);
        for (uint64_t seed = 0; seed < 3000; ++seed) {
            for (int64_t i : indicesOf(stratifiedSample(data, 6, seed)))
                ++picked[size_t(i)];
        }
        for (int count : picked)
            QCOMPARE_LT(std::abs(count - 900), kPickCountTolerance);
    }

    void stratifiedRejects_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<QString>("keyword");
        QTest::newRow("zero") << qint64(0) << "cannot sample 0";
        QTest::newRow("too many") << qint64(101) << "cannot sample 101";
        QTest::newRow("fewer than classes") << qint64(3) << "4 classes";
        QTest::newRow("class too small") << qint64(48) << "class 3 has 10 examples";
    }
    void stratifiedRejects()
    {
        QFETCH(qint64, n);
        QFETCH(QString, keyword);
        const QString message = inputErrorOf([&] { stratifiedSample(unevenClasses(), n, 0); });
        QVERIFY2(message.contains(keyword), qPrintable(message));
    }

    void stratifiedNeedsClassification()
    {
        const QString message = inputErrorOf([&] { stratifiedSample(regressionSet(), 4, 0); });
        QVERIFY2(message.startsWith("regression: ") && message.contains("classification"), qPrintable(message));
        QVERIFY(inputErrorOf([&] { stratifiedSample(makeEscapeToy(), 2, 0); }).contains("classification"));
    }

    void filterClassesRenumbers()
    {
        const Dataset data = labelled({0, 3, 1, 2, 3, 1, 0}, 4);
        const Dataset kept = filterClasses(data, {3, 1});
        QCOMPARE(kept.numClasses, int64_t(2));
        QCOMPARE(indicesOf(kept), (std::vector<int64_t>{1, 2, 4, 5}));
        QVERIFY(at::equal(kept.targets, at::tensor({0, 1, 0, 1}, at::kLong)));
        QCOMPARE(kept.inputShape, data.inputShape);
        QVERIFY(at::equal(data.targets, at::tensor({0, 3, 1, 2, 3, 1, 0}, at::kLong)));
    }

    void filterClassesRejects_data()
    {
        QTest::addColumn<QList<qint64>>("classes");
        QTest::addColumn<QString>("keyword");
        QTest::newRow("empty list") << QList<qint64>{} << "empty";
        QTest::newRow("too large") << QList<qint64>{1, 5} << "class 5 does not exist";
        QTest::newRow("negative") << QList<qint64>{-1} << "class -1 does not exist";
        QTest::newRow("duplicate") << QList<qint64>{2, 0, 2} << "class 2 is listed twice";
        QTest::newRow("no examples") << QList<qint64>{4} << "no examples";
    }
    void filterClassesRejects()
    {
        QFETCH(QList<qint64>, classes);
        QFETCH(QString, keyword);
        const Dataset data = labelled({0, 1, 2, 3, 0}, 5);   // class 4 has no examples
        const QString message = inputErrorOf(
            [&] { filterClasses(data, std::vector<int64_t>(classes.begin(), classes.end())); });
        QVERIFY2(message.startsWith("labelled: ") && message.contains(keyword), qPrintable(message));
    }

    void standardization()
    {
        // Images [n, 1, 2, 2]: features of very different scales and one constant pixel.
        const at::Tensor raw = at::randn({500, 1, 2, 2}, at::kFloat);
        Dataset train = labelled(std::vector<int64_t>(500, 0), 1);
        train.inputs = raw * at::tensor({1000.0f, 0.01f, 1.0f, 0.0f}).reshape({1, 2, 2})
                       + at::tensor({5.0f, -0.3f, 0.5f, 0.25f}).reshape({1, 2, 2});
        train.inputShape = {1, 2, 2};

        const Standardization s = fitStandardization(train);
        QCOMPARE(s.mean.sizes().vec(), (std::vector<int64_t>{1, 2, 2}));
        QCOMPARE(s.std.sizes().vec(), (std::vector<int64_t>{1, 2, 2}));
        QCOMPARE(s.std[0][1][1].item<float>(), 1.0f);   // constant pixel: not scaled
        QCOMPARE(s.mean[0][1][1].item<float>(), 0.25f);

        const Dataset z = applyStandardization(train, s);
        const at::Tensor mean = z.inputs.to(at::kDouble).mean(0).flatten();
        const at::Tensor spread = z.inputs.to(at::kDouble).std(0, false).flatten();
        for (int64_t f = 0; f < 3; ++f) {
            const QByteArray feature = "feature " + QByteArray::number(f);
            MS_COMPARE_NEAR_AT(mean[f].item<double>(), 0.0, kStandardizedTolerance, feature.constData());
            MS_COMPARE_NEAR_AT(spread[f].item<double>(), 1.0, kStandardizedTolerance, feature.constData());
        }
        QCOMPARE(z.inputs.select(3, 1).select(2, 1).abs().max().item<float>(), 0.0f);
        QVERIFY(at::equal(train.inputs.select(3, 1).select(2, 1), at::full({500, 1}, 0.25f)));

        // A test set is mapped with the training statistics, not its own.
        Dataset test = labelled({0, 0}, 1);
        test.inputs = at::tensor({5.0f, -3.0f, 0.5f, 0.25f, 1005.0f, -3.001f, 1.5f, 7.0f}).reshape({2, 1, 2, 2});
        const at::Tensor expected = (test.inputs - s.mean) / s.std;
        const Dataset zt = applyStandardization(test, s);
        QVERIFY(at::allclose(zt.inputs, expected));
        QCOMPARE(zt.inputs[1][0][1][1].item<float>(), 6.75f);
    }

    void standardizationRejects()
    {
        const Standardization s = fitStandardization(unevenClasses());   // 3 features
        Dataset other = labelled({0}, 1);
        other.inputs = at::zeros({1, 4});
        QVERIFY(inputErrorOf([&] { applyStandardization(other, s); }).contains("shape"));
        const Dataset empty = labelled({}, 1);
        QVERIFY(inputErrorOf([&] { fitStandardization(empty); }).contains("empty"));
    }

    void synthetic_data()
    {
        QTest::addColumn<Generator>("make");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QList<qint64>>("counts");   // per class; empty when random
        QTest::newRow("two-moons") << Generator([](uint64_t s) { return makeTwoMoons(101, 0.1, s); }) << "two-moons"
                                   << QList<qint64>{50, 51};
        QTest::newRow("spirals") << Generator([](uint64_t s) { return makeSpirals(100, 3, 0.05, s); }) << "spirals"
                                 << QList<qint64>{34, 33, 33};
        QTest::newRow("blobs") << Generator([](uint64_t s) { return makeBlobs(1002, 4, 0.5, s); }) << "blobs"
                               << QList<qint64>{251, 251, 250, 250};
        QTest::newRow("xor") << Generator([](uint64_t s) { return makeXor(400, 0.0, s); }) << "xor" << QList<qint64>{};
    }
    void synthetic()
    {
        QFETCH(Generator, make);
        QFETCH(QString, name);
        QFETCH(QList<qint64>, counts);
        const Dataset d = make(7);
        QCOMPARE(QString::fromStdString(d.name), name);
        QVERIFY(d.task == Task::Classification);
        QCOMPARE(d.inputs.scalar_type(), at::kFloat);
        QCOMPARE(d.targets.scalar_type(), at::kLong);
        QCOMPARE(d.inputs.dim(), int64_t(2));
        QCOMPARE(d.inputs.size(1), int64_t(2));
        QCOMPARE(d.targets.sizes().vec(), std::vector<int64_t>{d.size()});
        QCOMPARE(d.inputShape, std::vector<int64_t>{2});
        QVERIFY(at::isfinite(d.inputs).all().item<bool>());
        if (!counts.isEmpty()) {
            QCOMPARE(d.numClasses, int64_t(counts.size()));
            QCOMPARE(classCounts(d), std::vector<int64_t>(counts.begin(), counts.end()));
            // Shuffled: the first quarter already holds every class.
            const Dataset head = minimascope::core::takeFirst(d, d.size() / 4 + 1);
            const std::vector<int64_t> headCounts = classCounts(head);
            QVERIFY(*std::min_element(headCounts.begin(), headCounts.end()) > 0);
        }
        QVERIFY(sameData(d, make(7)));
        QVERIFY(!at::equal(d.inputs, make(8).inputs));
    }

    void syntheticGeometry()
    {
        // Noise-free sets lie exactly on their curves (float32 rounding aside).
        const Dataset moons = makeTwoMoons(200, 0.0, 3);
        const at::Tensor x = moons.inputs.select(1, 0).to(at::kDouble);
        const at::Tensor y = moons.inputs.select(1, 1).to(at::kDouble);
        const at::Tensor outer = moons.targets == 0;
        const at::Tensor r0 = (x * x + y * y).sqrt();
        const at::Tensor r1 = ((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5)).sqrt();
        QVERIFY(at::allclose(r0.masked_select(outer), at::ones({100}, at::kDouble), 0, kCurveTolerance));
        QVERIFY(at::allclose(r1.masked_select(~outer), at::ones({100}, at::kDouble), 0, kCurveTolerance));
        QVERIFY((y.masked_select(outer) >= -kMoonFloorTolerance).all().item<bool>());

        const Dataset xr = makeXor(500, 0.0, 5);
        const at::Tensor product = xr.inputs.select(1, 0) * xr.inputs.select(1, 1);
        QVERIFY(at::equal((product < 0).to(at::kLong), xr.targets));
        QVERIFY((xr.inputs.abs() <= 1).all().item<bool>());
        QVERIFY(at::sum(xr.targets).item<int64_t>() > 200);
        QVERIFY(at::sum(xr.targets).item<int64_t>() < 300);

        const Dataset blobs = makeBlobs(8, 4, 0.0, 1);
        for (int64_t i = 0; i < blobs.size(); ++i) {
            const double angle = 2 * std::acos(-1.0) * double(blobs.targets[i].item<int64_t>()) / 4;
            MS_COMPARE_NEAR(blobs.inputs[i][0].item<float>(), 3 * std::cos(angle), kCurveTolerance);
            MS_COMPARE_NEAR(blobs.inputs[i][1].item<float>(), 3 * std::sin(angle), kCurveTolerance);
        }

        const Dataset spirals = makeSpirals(90, 3, 0.0, 1);
        const at::Tensor radius = spirals.inputs.norm(2, 1);
        MS_COMPARE_NEAR(radius.min().item<float>(), 0.1f, kCurveTolerance);
        MS_COMPARE_NEAR(radius.max().item<float>(), 1.0f, kCurveTolerance);
    }

    void teacherStudent()
    {
        const Dataset d = makeTeacherStudent(300, 5, 16, 0.0, 11);
        QCOMPARE(d.name, std::string("teacher-student"));
        QVERIFY(d.task == Task::Regression);
        QCOMPARE(d.numClasses, int64_t(0));
        QCOMPARE(d.inputShape, std::vector<int64_t>{5});
        QCOMPARE(d.inputs.sizes().vec(), (std::vector<int64_t>{300, 5}));
        QCOMPARE(d.targets.sizes().vec(), (std::vector<int64_t>{300, 1}));
        QCOMPARE(d.targets.scalar_type(), at::kFloat);
        QCOMPARE(d.outputCount(), int64_t(1));
        // Inputs are standard normal; targets are bounded by the teacher's output weights.
        MS_COMPARE_NEAR(d.inputs.mean().item<float>(), 0.0, kNormalMomentTolerance);
        MS_COMPARE_NEAR(d.inputs.std().item<float>(), 1.0, kNormalMomentTolerance);
        QVERIFY(d.targets.std().item<float>() > 0.05);
        QVERIFY(sameData(d, makeTeacherStudent(300, 5, 16, 0.0, 11)));
        QVERIFY(!at::equal(d.targets, makeTeacherStudent(300, 5, 16, 0.0, 12).targets));
        // Noise changes the targets but not their scale.
        const Dataset noisy = makeTeacherStudent(300, 5, 16, 0.1, 11);
        QVERIFY(!at::equal(noisy.targets, d.targets));
    }

    void escapeToy()
    {
        const Dataset d = makeEscapeToy();
        QCOMPARE(d.name, std::string("escape-toy"));
        QVERIFY(d.task == Task::DirectLoss);
        QCOMPARE(d.size(), int64_t(2));
        QCOMPARE(d.inputs.scalar_type(), at::kFloat);
        QCOMPARE(d.inputs.sizes().vec(), (std::vector<int64_t>{2, 1}));
        QCOMPARE(d.inputs[0][0].item<float>(), 0.1f);
        QCOMPARE(d.inputs[1][0].item<float>(), 1.9f);
        QVERIFY(at::equal(d.targets, at::zeros({2}, at::kFloat)));
        QCOMPARE(d.inputShape, std::vector<int64_t>{1});
        QCOMPARE(d.numClasses, int64_t(0));
        QCOMPARE(d.outputCount(), int64_t(1));
    }

    void syntheticRejects_data()
    {
        QTest::addColumn<Generator>("make");
        QTest::addColumn<QString>("message");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("moons n") << Generator([](uint64_t s) { return makeTwoMoons(1, 0.1, s); })
                                 << "two-moons: needs at least 2 examples, got 1";
        QTest::newRow("moons noise") << Generator([](uint64_t s) { return makeTwoMoons(10, -0.1, s); })
                                     << "two-moons: noise must be";
        QTest::newRow("xor noise nan") << Generator([nan](uint64_t s) { return makeXor(10, nan, s); })
                                       << "xor: noise must be";
        QTest::newRow("spirals arms") << Generator([](uint64_t s) { return makeSpirals(10, 1, 0, s); })
                                      << "spirals: needs at least 2 arms";
        QTest::newRow("spirals n") << Generator([](uint64_t s) { return makeSpirals(2, 3, 0, s); })
                                   << "spirals: needs at least one example per arm";
        QTest::newRow("blobs classes") << Generator([](uint64_t s) { return makeBlobs(10, 1, 1, s); })
                                       << "blobs: needs at least 2 classes";
        QTest::newRow("blobs std") << Generator([](uint64_t s) { return makeBlobs(10, 2, -1, s); })
                                   << "blobs: std must be";
        QTest::newRow("teacher n") << Generator([](uint64_t s) { return makeTeacherStudent(0, 2, 3, 0, s); })
                                   << "teacher-student: needs at least 1 example";
        QTest::newRow("teacher dim") << Generator([](uint64_t s) { return makeTeacherStudent(5, 0, 3, 0, s); })
                                     << "teacher-student: input dimension";
        QTest::newRow("teacher width") << Generator([](uint64_t s) { return makeTeacherStudent(5, 2, 0, 0, s); })
                                       << "teacher-student: teacher width";
    }
    void syntheticRejects()
    {
        QFETCH(Generator, make);
        QFETCH(QString, message);
        const QString actual = inputErrorOf([&] { make(0); });
        QVERIFY2(actual.startsWith(message), qPrintable(actual));
    }
};

MINIMASCOPE_TEST_APPLESS(TestDatasets)
#include "TestDatasets.moc"
