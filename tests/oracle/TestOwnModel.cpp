// Your own model and your own data (issue 13), against the built-in ones they copy:
//   a TorchScript export of a built-in MLP with the same weights gives the same loss, sharpness a
//   and non-uniformity s (autograd's double backward and per-example Sigma against the
//   R-operator); .npy and .npz copies of the first Fashion-MNIST examples are the built-in set bit
//   for bit; a TorchScript model trains with every optimizer; every bad file gets its message.
// The TorchScript files and arrays are made at test time by scripts/make_own_model_example.py
// with Debian's python3-torch (scripts/install-deps.sh --tests).
#include "analysis/CurvatureReport.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "data/DatasetTransforms.h"
#include "models/FlatParameters.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "models/TorchScriptModel.h"
#include "support/InputErrorOf.h"
#include "train/Objective.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <string>

using namespace minimascope::core;

namespace {

// The bar. Both paths compute float32 sums in different orders; on this 26,506-parameter
// MLP they stay near 1e-7 relative (1e-8 on the 784-256x4 MLP, docs/benchmarks.md).
constexpr double kSameNumbers = 1e-5;
// Residuals this small bound the eigenvalue errors well below kSameNumbers.
constexpr double kLanczosTolerance = 1e-6;
// CurvatureRequest's default tolerance: a converged pair has residual <= it * lambda.
constexpr double kDefaultCertificate = 1e-3;
// Standardized float32 pixels: their mean over the examples is 0 to ~100 float32 epsilons.
constexpr double kStandardizedMean = 1e-5;
constexpr int64_t kExamples = 200;
// The per-example Sigma of the general path costs 2n double backwards a product: fewer examples.
constexpr int64_t kCurvatureExamples = 100;
const char* const kWidths = "32,32";

double relativeDifference(double a, double b) { return std::abs(a - b) / std::max(std::abs(a), std::abs(b)); }

struct Numbers {
    double loss;
    double sharpness;
    double nonUniformity;
    std::string path;
};

Numbers measure(Network& network, const Dataset& data)
{
    FlatParameters parameters(network);
    CurvatureRequest request;
    request.tolerance = kLanczosTolerance;
    request.maxSteps = 300;
    const CurvatureReport report = measureCurvature(network, parameters, data, request);
    qInfo("%s: a in %lld products, s in %lld (%.1f s)", report.path.c_str(),
          static_cast<long long>(report.topEigenvalues.at(0).products),
          static_cast<long long>(report.nonUniformity->products), report.nonUniformity->seconds);
    return {evaluate(network, data).loss, report.topEigenvalues.at(0).value, report.nonUniformity->value, report.path};
}

}   // namespace

class TestOwnModel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_root;
    DatasetPair m_fashion;   // the built-in set: first kExamples training examples, no test set

    std::string file(const std::string& name) const { return m_root + "/" + name; }

    DatasetSpec arraysSpec(const std::string& path) const
    {
        DatasetSpec spec;
        spec.name = "arrays";
        spec.path = path;
        spec.n = kExamples;
        spec.testN = 0;
        return spec;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = m_dir.path().toStdString();
        QProcess python;
        python.setProcessChannelMode(QProcess::MergedChannels);
        python.start("/usr/bin/python3",
                     {MINIMASCOPE_SOURCE_DIR "/scripts/make_own_model_example.py", m_dir.path(), "--n",
                      QString::number(kExamples), "--n-test", "50", "--widths", kWidths, "--bad"});
        QVERIFY2(python.waitForFinished(120000), "python did not finish");
        QVERIFY2(python.exitCode() == 0, python.readAll().constData());
        DatasetSpec spec;
        spec.n = kExamples;
        spec.testN = 0;
        m_fashion = loadDatasets(spec);
    }

    void arraysAreTheBuiltInSet_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("npy folder") << QString::fromStdString(file("data"));
        QTest::newRow("npz") << QString::fromStdString(file("data.npz"));
    }

    void arraysAreTheBuiltInSet()
    {
        QFETCH(QString, path);
        const DatasetPair arrays = loadDatasets(arraysSpec(path.toStdString()));
        const Dataset& a = arrays.train;
        const Dataset& b = m_fashion.train;
        QCOMPARE(a.inputShape, b.inputShape);
        QCOMPARE(a.numClasses, b.numClasses);
        QVERIFY(at::equal(a.inputs, b.inputs));   // bit for bit
        QVERIFY(at::equal(a.targets, b.targets));
        // So any model measures the same numbers on them.
        auto netA = buildModel(modelPreset("lenet5"), a, 3);
        auto netB = buildModel(modelPreset("lenet5"), b, 3);
        QCOMPARE(evaluate(*netA, a).loss, evaluate(*netB, b).loss);
    }

    void arraysKeepTheBuiltInOptions()
    {
        // The first 30 of classes 0 and 9 (renumbered 0, 1) lie in the first 200 examples, so
        // both sets pick the same ones and fit the same standardization.
        DatasetSpec spec = arraysSpec(file("data"));
        spec.n = 30;
        spec.classes = {0, 9};
        spec.standardize = true;
        spec.testN = 1000;   // more than the 50 held out: all of them
        DatasetSpec builtin = spec;
        builtin.name = "fashion-mnist";
        builtin.path.clear();
        builtin.testN = 0;
        const DatasetPair arrays = loadDatasets(spec);
        const DatasetPair fashion = loadDatasets(builtin);
        QCOMPARE(arrays.train.size(), int64_t{30});
        QCOMPARE(arrays.train.numClasses, int64_t{2});
        QVERIFY(at::equal(arrays.train.targets, fashion.train.targets));
        QVERIFY(at::allclose(arrays.train.inputs, fashion.train.inputs));
        QVERIFY(arrays.test.size() > 0 && arrays.test.size() <= 50);
        QVERIFY(at::allclose(arrays.train.inputs.mean(0), at::zeros({1, 28, 28}), 0.0, kStandardizedMean));

        spec.subset = "stratified";
        spec.n = 20;
        const DatasetPair stratified = loadDatasets(spec);
        QCOMPARE(stratified.train.targets.sum().item<int64_t>(), int64_t{10});
    }

    void torchScriptMlpMatchesBuiltIn()
    {
        const Dataset data = takeFirst(m_fashion.train, kCurvatureExamples);
        TorchScriptModel script(file("mlp.pt"), data);
        ModelSpec spec = modelPreset("mlp-256x4");
        spec.widths = {32, 32};
        auto builtin = buildModel(spec, data, 0);
        // Sequential's 1.weight, 1.bias, 3.weight, ... are the built-in linear0.weight, ... in order.
        const auto from = script.named_parameters();
        const auto to = builtin->named_parameters();
        QCOMPARE(from.size(), to.size());
        {
            at::NoGradGuard noGrad;
            for (size_t i = 0; i < from.size(); ++i) {
                QCOMPARE(from[i].value().sizes(), to[i].value().sizes());
                to[i].value().copy_(from[i].value());
            }
        }
        QCOMPARE(from[0].key(), std::string("1.weight"));
        const Numbers ours = measure(*builtin, data);
        const Numbers theirs = measure(script, data);
        QCOMPARE(ours.path, std::string("r-operator"));
        QCOMPARE(theirs.path, std::string("autograd"));
        qInfo("loss %.8g / %.8g, a %.8g / %.8g, s %.8g / %.8g", ours.loss, theirs.loss, ours.sharpness,
              theirs.sharpness, ours.nonUniformity, theirs.nonUniformity);
        QCOMPARE_LT(relativeDifference(ours.loss, theirs.loss), kSameNumbers);
        QCOMPARE_LT(relativeDifference(ours.sharpness, theirs.sharpness), kSameNumbers);
        QCOMPARE_LT(relativeDifference(ours.nonUniformity, theirs.nonUniformity), kSameNumbers);
    }

    void torchScriptCnnHasCurvature()
    {
        DatasetPair pair = loadDatasets(arraysSpec(file("data")));
        const Dataset data = pair.train;
        TorchScriptModel cnn(file("cnn.pt"), data);
        FlatParameters parameters(cnn);
        CurvatureRequest request;
        request.nonUniformity = false;
        const CurvatureReport report = measureCurvature(cnn, parameters, data, request);
        QCOMPARE(report.path, std::string("autograd"));
        QVERIFY(report.topEigenvalues.at(0).value > 0);
        QCOMPARE_LE(report.topEigenvalues.at(0).residual, kDefaultCertificate * report.topEigenvalues.at(0).value);
    }

    void torchScriptTrainsWithEveryOptimizer_data()
    {
        QTest::addColumn<QString>("optimizer");
        for (const char* name : {"gd", "sgd", "adagrad", "adam", "lbfgs", "sam", "adahessian"})
            QTest::newRow(name) << name;
    }

    void torchScriptTrainsWithEveryOptimizer()
    {
        QFETCH(QString, optimizer);
        const nlohmann::json config{
            {"dataset", {{"name", "arrays"}, {"path", file("data")}, {"n", 100}, {"test_n", 20}}},
            {"model", {{"kind", "torchscript"}, {"path", file("mlp.pt")}}},
            {"optimizer", {{"name", optimizer.toStdString()}, {"batch_size", 10}}},
            {"stop", {{"loss_below", 0.0}, {"max_iterations", 5}}}};
        const RunConfig c = RunConfig::fromJson(config);
        Trainer trainer(c, loadDatasets(c.dataset));
        const at::Tensor before = trainer.parameters().get();
        const TrainResult result = trainer.run(CancelToken());
        QCOMPARE(result.status, RunStatus::Finished);
        QCOMPARE(result.iterations, int64_t{5});
        QVERIFY(std::isfinite(result.final.trainLoss));
        QVERIFY(!at::equal(before, trainer.parameters().get()));
        QCOMPARE(result.gradientPath, std::string("autograd"));
    }

    void badTorchScriptFiles_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "bad/nothing.pt"
                                 << "does not exist";
        QTest::newRow("text") << "bad/not_torchscript.pt"
                              << "not a TorchScript file";
        QTest::newRow("state dict") << "bad/state_dict_not_torchscript.pt"
                                    << "not a TorchScript file";
        QTest::newRow("5 outputs") << "bad/five_outputs.pt"
                                   << "the data set has 10 classes (expected [2, 10])";
        QTest::newRow("no parameters") << "bad/no_parameters.pt"
                                       << "has no parameters";
        QTest::newRow("wrong inputs") << "bad/wrong_inputs.pt"
                                      << "forward fails on this data set's examples";
    }

    void badTorchScriptFiles()
    {
        QFETCH(QString, name);
        QFETCH(QString, message);
        const std::string path = file(name.toStdString());
        const QString error = inputErrorOf([&] { TorchScriptModel model(path, m_fashion.train); });
        QVERIFY2(error.contains(QString::fromStdString(path)), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void badArrays_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message");
        QTest::newRow("lengths") << "bad/lengths"
                                 << "X holds 20 examples but y holds 19 labels";
        QTest::newRow("non-finite") << "bad/nonfinite"
                                    << "1 examples have non-finite features (NaN or infinite), "
                                       "the first at index 7";
        QTest::newRow("fractional") << "bad/fractional"
                                    << "label 0.5 at index 0 is not an integer";
        QTest::newRow("negative") << "bad/negative"
                                  << "label -1 at index 0 is outside 0..";
        QTest::newRow("ragged") << "bad/ragged.csv"
                                << "line 4: 2 fields but the header has 3 (a ragged CSV)";
        QTest::newRow("no label") << "bad/no_label.csv"
                                  << "no label column 'label'";
        QTest::newRow("missing") << "bad/none.npz"
                                 << "does not exist";
    }

    void badArrays()
    {
        QFETCH(QString, name);
        QFETCH(QString, message);
        DatasetSpec spec = arraysSpec(file(name.toStdString()));
        spec.n = 10;
        const QString error = inputErrorOf([&] { loadDatasets(spec); });
        QVERIFY2(error.contains(QString::fromStdString(file(name.toStdString()))), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }
};

MINIMASCOPE_TEST_GUILESS(TestOwnModel)
#include "TestOwnModel.moc"
