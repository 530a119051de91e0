// The curvature engine's own R-operator passes (ROperatorCurvature, ROperatorPasses) against dense
// matrices built here with autograd: H = (1/n) sum_i H_i and Sigma = (1/n) sum_i H_i^2 - H^2 of tiny
// networks of every kind that describes itself as a layer graph (MLPs, VGG- and ResNet-style CNNs,
// with and without BatchNorm, every activation, cross-entropy and squared loss), in double; then
// LeNet-5 and the canonical 784-256x4-10 MLP against autograd's products, in float; the
// per-example convolutions of the Sigma product against one convolution per example.
#include "oracle/DenseCurvature.h"

#include "analysis/CurvatureOperators.h"
#include "analysis/ExampleConvolution.h"
#include "analysis/ROperatorCurvature.h"
#include "analysis/ROperatorPasses.h"
#include "analysis/AutogradCurvature.h"
#include "common/CancelToken.h"
#include "data/SyntheticDatasets.h"
#include "models/FlatParameters.h"
#include "models/LeNet5.h"
#include "models/SmallResNet.h"
#include "models/SmallVgg.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>

#include <QTest>

#include <memory>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// Double-precision products of a few hundred terms agree with the dense ones to rounding.
constexpr double kDoubleTolerance = 1e-9;
// Float products summing ~1e5 terms a layer agree to ~1e-6 relative; 1e-4 still catches a
// wrong term, which is O(1).
constexpr double kFloatTolerance = 1e-4;
// The primal pass is the network's own forward, in the same order in double: rounding only.
constexpr double kForwardTolerance = 1e-12;
// Sigma scales like H^2; a network whose ReLUs all died has Sigma = 0 up to rounding (~1e-17):
// below this fraction of |H|^2 the products would compare nothing.
constexpr double kLiveCovariance = 1e-6;

// BatchNorm with statistics and affine parameters far from the identity, so that a wrong
// scale or shift in the engine shows.
void randomizeBatchNorm(Network& network, uint64_t seed)
{
    at::NoGradGuard noGrad;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto randomize = [&](auto& norm) {
        const auto options = norm.running_mean.options();
        norm.running_mean.copy_(at::randn(norm.running_mean.sizes(), generator, options));
        norm.running_var.copy_(0.5 + at::rand(norm.running_var.sizes(), generator, options));
        norm.weight.copy_(1.0 + 0.5 * at::randn(norm.weight.sizes(), generator, options));
        norm.bias.copy_(0.5 * at::randn(norm.bias.sizes(), generator, options));
    };
    for (const auto& module : network.modules(/*include_self=*/false)) {
        if (auto* norm1 = module->as<torch::nn::BatchNorm1d>())
            randomize(*norm1);
        if (auto* norm2 = module->as<torch::nn::BatchNorm2d>())
            randomize(*norm2);
    }
}

// relu(W1 x) + W2 x -> W3: a ReLU read only by a skip addition, whose output the engine must keep
// (ReLU's derivative comes from it) although no consumer reads its value.
class ReluIntoSkipNet : public Network {
public:
    ReluIntoSkipNet()
    {
        m_first = register_module("first", torch::nn::Linear(2, 3));
        m_skip = register_module("skip", torch::nn::Linear(2, 3));
        m_out = register_module("out", torch::nn::Linear(3, 3));
    }
    at::Tensor forward(const at::Tensor& input) override
    {
        const at::Tensor x = input.flatten(1);
        return m_out->forward(at::relu(m_first->forward(x)) + m_skip->forward(x));
    }
    LayerGraph layerGraph() const override
    {
        LayerGraph graph;
        const int x = graph.flatten(LayerGraph::kInput);
        const int relu = graph.activation(graph.linear(x, *m_first), Activation::Relu);
        graph.linear(graph.add(relu, graph.linear(x, *m_skip)), *m_out);
        return graph;
    }
    std::string describe() const override { return "relu into skip"; }

private:
    torch::nn::Linear m_first{nullptr}, m_skip{nullptr}, m_out{nullptr};
};

struct TinyCase {
    std::shared_ptr<Network> network;
    Dataset data;
};

// The rows of the dense comparisons: each a tiny network in double, in eval mode, with its data.
TinyCase tinyCase(const QString& name)
{
    TinyCase c;
    if (name.startsWith("mlp")) {
        const bool regression = name.contains("squared");
        c.data = toDouble(regression ? makeTeacherStudent(7, 3, 4, 0.1, 3) : makeBlobs(7, 3, 1.0, 3));
        const Activation activation = name.contains("tanh")   ? Activation::Tanh
                                      : name.contains("gelu") ? Activation::Gelu
                                                              : Activation::Relu;
        MlpOptions options;
        options.inputs = c.data.inputShape[0];
        options.hiddenWidths = {5, 4};
        options.outputs = c.data.outputCount();
        options.activation = activation;
        options.batchNorm = name.contains("batchnorm");
        c.network = std::make_shared<Mlp>(options);
    } else if (name.startsWith("vgg")) {
        // conv 1->2, conv 2->2, pool, 8 -> 3 -> 3: 97 parameters (105 with BatchNorm).
        c.data = tinyImages(6, 4, /*side=*/4);
        SmallVggOptions options;
        options.channels = {2};
        options.hidden = 3;
        options.batchNorm = name.contains("batchnorm");
        options.activation = name.contains("tanh") ? Activation::Tanh : Activation::Relu;
        c.network = std::make_shared<SmallVgg>(c.data.inputShape, 3, options);
    } else if (name.startsWith("resnet")) {
        // Two stages of one block; the second block halves the size through a 1x1 projection.
        c.data = tinyImages(5, 6, /*side=*/4);
        SmallResNetOptions options;
        options.channels = {2, 2};
        options.skipConnections = !name.contains("no skips");
        options.batchNorm = !name.contains("no batchnorm");
        c.network = std::make_shared<SmallResNet>(c.data.inputShape, 3, options);
    } else if (name.startsWith("relu into skip")) {
        c.data = toDouble(makeBlobs(7, 3, 1.0, 3));
        c.network = std::make_shared<ReluIntoSkipNet>();
    } else {
        c.data = tinyImages(5, 8);
        c.network = tinyConvNet(name.contains("tanh") ? Activation::Tanh : Activation::Relu);
    }
    initializeParameters(*c.network, 1);
    c.network->to(at::kDouble);
    randomizeBatchNorm(*c.network, 9);
    c.network->eval();
    return c;
}

void addTinyRows()
{
    QTest::addColumn<QString>("name");
    for (const char* name : {"mlp relu", "mlp tanh", "mlp gelu", "mlp tanh squared loss", "mlp relu batchnorm",
                             "mlp gelu batchnorm squared loss", "vgg relu", "vgg tanh batchnorm", "resnet",
                             "resnet no batchnorm", "resnet no skips", "conv net tanh", "relu into skip"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

// n random images for LeNet-5 and its data set description.
Dataset randomImages(int64_t n, int64_t side, int64_t classes)
{
    Dataset data;
    data.task = Task::Classification;
    data.inputs = at::rand({n, 1, side, side});
    data.targets = at::randint(classes, {n}, at::TensorOptions(at::kLong));
    data.numClasses = classes;
    data.inputShape = {1, side, side};
    return data;
}

}   // namespace

class TestROperatorCurvature : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void graphForwardEqualsTheNetwork_data() { addTinyRows(); }
    void graphForwardEqualsTheNetwork()
    {
        QFETCH(QString, name);
        const TinyCase c = tinyCase(name);
        FlatParameters flat(*c.network);
        const minimascope::core::detail::ROperatorPasses passes(c.network->layerGraph(), flat, c.data.task);
        const at::Tensor expected = c.network->forward(c.data.inputs);
        const minimascope::core::detail::PrimalPass primal = passes.primal(c.data.inputs, c.data.targets);
        QCOMPARE_LT(relativeError(primal.values.back(), expected), kForwardTolerance);
    }

    void productsMatchDenseMatrices_data() { addTinyRows(); }
    void productsMatchDenseMatrices()
    {
        QFETCH(QString, name);
        const TinyCase c = tinyCase(name);
        FlatParameters flat(*c.network);
        const DenseCurvature dense = denseCurvature(*c.network, c.data);
        const at::Tensor v = at::randn({flat.size()}, at::TensorOptions(at::kDouble));
        const at::Tensor hv = dense.hessian.mv(v);
        const at::Tensor sv = dense.covariance.mv(v);
        QVERIFY(ROperatorCurvature::supports(*c.network, c.data.task));
        // A network whose ReLUs all died has Sigma = 0 (up to rounding, ~1e-17) and would compare
        // nothing; Sigma scales like H^2.
        const double hNorm = dense.hessian.norm().item<double>();
        QCOMPARE_GT(dense.covariance.norm().item<double>(), kLiveCovariance * hNorm * hNorm);
        // Chunks of 3 exercise the chunked sums; a zero cache recomputes every pass.
        for (int64_t cacheBytes : {int64_t{1} << 30, int64_t{0}}) {
            ROperatorCurvature curvature(*c.network, flat, c.data, nullptr, /*chunk=*/3, cacheBytes);
            const double hError = relativeError(curvature.hessian().apply(v), hv);
            const double sError = relativeError(curvature.covariance().apply(v), sv);
            QCOMPARE_LT(hError, kDoubleTolerance);
            QCOMPARE_LT(sError, kDoubleTolerance);
            // A second product reuses the cached passes: the same numbers for another vector.
            const at::Tensor w = at::randn({flat.size()}, at::TensorOptions(at::kDouble));
            QCOMPARE_LT(relativeError(curvature.hessian().apply(w), dense.hessian.mv(w)), kDoubleTolerance);
        }
    }

    void cacheFollowsParameterAndStatisticChanges()
    {
        // Products after the parameters, then BatchNorm's running statistics, change under the
        // engine's feet: each must be the dense matrix at the new point, not the cached one.
        const TinyCase c = tinyCase(QStringLiteral("mlp relu batchnorm"));
        FlatParameters flat(*c.network);
        ROperatorCurvature curvature(*c.network, flat, c.data, nullptr, /*chunk=*/4);
        const SymmetricOperator h = curvature.hessian();
        const SymmetricOperator sigma = curvature.covariance();
        const at::Tensor v = at::randn({flat.size()}, at::TensorOptions(at::kDouble));
        h.apply(v);
        flat.set(flat.get() + 0.3 * at::randn({flat.size()}, at::TensorOptions(at::kDouble)));
        DenseCurvature dense = denseCurvature(*c.network, c.data);
        QCOMPARE_LT(relativeError(h.apply(v), dense.hessian.mv(v)), kDoubleTolerance);
        QCOMPARE_LT(relativeError(sigma.apply(v), dense.covariance.mv(v)), kDoubleTolerance);
        randomizeBatchNorm(*c.network, 21);
        flat.set(flat.get());   // randomizeBatchNorm wrote the affine parameters through the module
        dense = denseCurvature(*c.network, c.data);
        QCOMPARE_LT(relativeError(h.apply(v), dense.hessian.mv(v)), kDoubleTolerance);
        QCOMPARE_LT(relativeError(sigma.apply(v), dense.covariance.mv(v)), kDoubleTolerance);
    }

    void hessianProductAfterSigmaReusesItsFirstPass()
    {
        // The Sigma product computes H v on its way and hands it to an H product of the same v
        // (the stability operator's order). Handed over, it runs no pass: with a cancel requested
        // in between it still answers, where a computed product would stop. Any change of v or of
        // the parameters, or another vector, gets a computed product of the new point.
        const TinyCase c = tinyCase(QStringLiteral("mlp relu batchnorm"));
        FlatParameters flat(*c.network);
        CancelToken token;
        ROperatorCurvature curvature(*c.network, flat, c.data, &token, /*chunk=*/4);
        const SymmetricOperator h = curvature.hessian();
        const SymmetricOperator sigma = curvature.covariance();
        DenseCurvature dense = denseCurvature(*c.network, c.data);
        at::Tensor v = at::randn({flat.size()}, at::TensorOptions(at::kDouble));

        QCOMPARE_LT(relativeError(sigma.apply(v), dense.covariance.mv(v)), kDoubleTolerance);
        token.requestCancel();
        const at::Tensor handed = h.apply(v);
        QVERIFY(handed.defined());
        QCOMPARE_LT(relativeError(handed, dense.hessian.mv(v)), kDoubleTolerance);
        QVERIFY2(!h.apply(v).defined(), "handed over once only: the second product is computed, and cancelled");
        token.reset();

        sigma.apply(v);
        v.mul_(-2.0);   // in place: the same tensor, a new version
        QCOMPARE_LT(relativeError(h.apply(v), dense.hessian.mv(v)), kDoubleTolerance);

        sigma.apply(v);
        const at::Tensor w = at::randn({flat.size()}, at::TensorOptions(at::kDouble));
        QCOMPARE_LT(relativeError(h.apply(w), dense.hessian.mv(w)), kDoubleTolerance);

        sigma.apply(v);
        flat.set(flat.get() + 0.3 * at::randn({flat.size()}, at::TensorOptions(at::kDouble)));
        dense = denseCurvature(*c.network, c.data);
        QCOMPARE_LT(relativeError(h.apply(v), dense.hessian.mv(v)), kDoubleTolerance);
    }

    void cancelLeavesNoHalfPassBehind()
    {
        // A product asked to stop returns nothing, and caches nothing half-made: once the token
        // is reset the products are the dense ones again.
        const TinyCase c = tinyCase(QStringLiteral("vgg tanh batchnorm"));
        FlatParameters flat(*c.network);
        const DenseCurvature dense = denseCurvature(*c.network, c.data);
        CancelToken token;
        ROperatorCurvature curvature(*c.network, flat, c.data, &token, /*chunk=*/2);
        const at::Tensor v = at::randn({flat.size()}, at::TensorOptions(at::kDouble));
        token.requestCancel();
        QVERIFY(!curvature.hessian().apply(v).defined());
        QVERIFY(!curvature.covariance().apply(v).defined());
        token.reset();
        QCOMPARE_LT(relativeError(curvature.hessian().apply(v), dense.hessian.mv(v)), kDoubleTolerance);
        QCOMPARE_LT(relativeError(curvature.covariance().apply(v), dense.covariance.mv(v)), kDoubleTolerance);
    }

    void parametersOutsideTheGraphAreRefused()
    {
        // A graph that leaves out a parameter would give it a zero row of H without a word, and
        // one reading a module outside the network would differentiate the wrong weights.
        MlpOptions options;
        options.inputs = 2;
        options.hiddenWidths = {3};
        options.outputs = 2;
        Mlp mlp(options);
        FlatParameters flat(mlp);
        LayerGraph partial;
        partial.linear(partial.flatten(LayerGraph::kInput), *mlp.linears().front());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 minimascope::core::detail::ROperatorPasses(partial, flat, Task::Classification));
        LayerGraph stray;
        torch::nn::Linear other(2, 2);
        stray.linear(LayerGraph::kInput, *other);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 minimascope::core::detail::ROperatorPasses(stray, flat, Task::Classification));
        QVERIFY(minimascope::core::detail::ROperatorPasses(mlp.layerGraph(), flat, Task::Classification)
                    .primal(at::zeros({1, 2}), at::zeros({1}, at::TensorOptions(at::kLong)))
                    .values.back()
                    .defined());
    }

    void exampleConvolutionsMatchOneConvolutionPerExample_data()
    {
        QTest::addColumn<int>("stride");
        QTest::newRow("stride 1") << 1;
        QTest::newRow("stride 2") << 2;
    }
    void exampleConvolutionsMatchOneConvolutionPerExample()
    {
        // 40 examples of 16 x 28 x 28 in double: at stride 1, 0.9 MB of 3x3 patches each, so the
        // 16 MB patch budget splits them into sub-batches of 18 (18 + 18 + 4), which must not show.
        QFETCH(int, stride);
        const minimascope::core::detail::ConvolutionShape shape{3, stride, 1};
        const auto options = at::TensorOptions(at::kDouble);
        const at::Tensor x = at::randn({40, 16, 28, 28}, options);
        const int64_t side = (28 + 2 - 3) / stride + 1;
        const at::Tensor e = at::randn({40, 4, side, side}, options);
        const at::Tensor kernels = at::randn({40, 4, 16 * 9}, options);
        const at::Tensor gradients = minimascope::core::detail::exampleKernelGradients(e, x, shape);
        at::Tensor convolved = at::zeros({40, 4, side, side}, options);
        minimascope::core::detail::addExampleConvolutions(convolved, x, kernels, shape);
        at::Tensor transposed = at::zeros_like(x);
        minimascope::core::detail::addExampleTransposedConvolutions(transposed, e, kernels, shape);
        for (int64_t i = 0; i < 40; ++i) {
            const at::Tensor xi = x.narrow(0, i, 1);
            const at::Tensor ei = e.narrow(0, i, 1);
            const at::Tensor kernel = kernels[i].view({4, 16, 3, 3});
            const auto [inputGradient, kernelGradient, unused] = at::convolution_backward(
                ei, xi, kernel, c10::nullopt, {stride, stride}, {1, 1}, {1, 1}, false, {0, 0}, 1, {true, true, false});
            QCOMPARE_LT(relativeError(gradients[i], kernelGradient.view({4, -1})), kDoubleTolerance);
            QCOMPARE_LT(relativeError(convolved[i], at::conv2d(xi, kernel, {}, {stride, stride}, {1, 1})[0]),
                        kDoubleTolerance);
            QCOMPARE_LT(relativeError(transposed[i], inputGradient[0]), kDoubleTolerance);
        }
    }

    void leNet5MatchesAutograd()
    {
        // LeNet-5 (12x12 inputs keep it at 15,000 parameters) on 5 random images, float, in
        // chunks that split the examples (2 + 2 + 1) and that hold them all.
        const Dataset data = randomImages(5, 12, 5);
        auto lenet = std::make_shared<LeNet5>(data.inputShape, 5, Activation::Tanh);
        initializeParameters(*lenet, 2);
        FlatParameters flat(*lenet);
        const at::Tensor v = at::randn({flat.size()});
        AutogradCurvature autograd(*lenet, flat, data);
        const at::Tensor hv = autograd.hessian().apply(v);
        const at::Tensor sv = autograd.covariance().apply(v);
        for (int64_t chunk : {2, 5}) {
            ROperatorCurvature curvature(*lenet, flat, data, nullptr, chunk);
            const double hError = relativeError(curvature.hessian().apply(v), hv);
            const double sError = relativeError(curvature.covariance().apply(v), sv);
            QCOMPARE_LT(hError, kFloatTolerance);
            QCOMPARE_LT(sError, kFloatTolerance);
        }
        CurvatureOperators operators(*lenet, flat, data);
        QCOMPARE(operators.path(), std::string("r-operator"));
    }

    void canonicalMlpMatchesAutograd()
    {
        // The real 784-256x4-10 architecture at its seeded initialization on 4 random images.
        MlpOptions options;
        auto mlp = std::make_shared<Mlp>(options);
        initializeParameters(*mlp, 3);
        FlatParameters flat(*mlp);
        Dataset data = randomImages(4, 28, 10);
        const at::Tensor v = at::randn({flat.size()});
        ROperatorCurvature fast(*mlp, flat, data);
        AutogradCurvature autograd(*mlp, flat, data);
        const double hError = relativeError(fast.hessian().apply(v), autograd.hessian().apply(v));
        const double sError = relativeError(fast.covariance().apply(v), autograd.covariance().apply(v));
        QCOMPARE_LT(hError, kFloatTolerance);
        QCOMPARE_LT(sError, kFloatTolerance);
    }
};

MINIMASCOPE_TEST_APPLESS(TestROperatorCurvature)
#include "TestROperatorCurvature.moc"
