// Everything measureCurvature reports against the dense matrices of tiny networks (Linear and
// Conv layers, ReLU and tanh, softmax cross-entropy), in double precision: the top-k
// eigenvalues, lambda_min, s, the stability Theorem's lambda_max, the per-layer sharpness, the
// Hutchinson and Hutch++ traces and the SLQ density's moments (the engine's products themselves
// are checked in TestROperatorCurvature and TestCurvature).
#include "oracle/DenseCurvature.h"

#include "analysis/CurvatureOperators.h"
#include "analysis/CurvatureReport.h"
#include "analysis/LayerBlock.h"
#include "analysis/AutogradCurvature.h"
#include "analysis/SpectralDensity.h"
#include "data/SyntheticDatasets.h"
#include "models/FlatParameters.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <QTest>
#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// The bound for double precision; the solvers run to residual 1e-10 |lambda| so that
// the eigenvalue error (residual^2 / gap) is far below it.
constexpr double kDoubleTolerance = 1e-6;
constexpr double kSolverTolerance = 1e-10;
// The Hutchinson estimate is a mean of 50 probes: the exact trace lies within four of its
// standard errors (a chance of ~6e-5 for a normal estimate).
constexpr double kTraceStandardErrors = 4.0;
// H v and Sigma v through the R-operator in double against the dense matrices: double rounding
// over a few hundred terms.
constexpr double kProductTolerance = 1e-9;

// Records every vector an operator is applied to.
struct RecordingOperator {
    SymmetricOperator wrapped;
    std::shared_ptr<std::vector<at::Tensor>> seen = std::make_shared<std::vector<at::Tensor>>();
    SymmetricOperator op() const
    {
        SymmetricOperator recording = wrapped;
        recording.apply = [inner = wrapped.apply, seen = seen](const at::Tensor& v) {
            seen->push_back(v.clone());
            return inner(v);
        };
        return recording;
    }
};

std::shared_ptr<Network> makeNetwork(const QString& kind)
{
    if (kind == "mlp relu")
        return tinyMlp(2, {5, 4}, 3, Activation::Relu);
    if (kind == "mlp tanh")
        return tinyMlp(2, {5, 4}, 3, Activation::Tanh);
    return tinyConvNet(kind.startsWith("conv relu") ? Activation::Relu : Activation::Tanh);
}

}   // namespace

class TestCurvatureSpectra : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reportMatchesDenseMatrices_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("mlp relu") << QStringLiteral("mlp relu");
        QTest::newRow("mlp tanh") << QStringLiteral("mlp tanh");
        QTest::newRow("conv relu") << QStringLiteral("conv relu");
        QTest::newRow("conv tanh") << QStringLiteral("conv tanh");
        // The double-backward fallback, which models without a layer graph use.
        QTest::newRow("conv relu, autograd") << QStringLiteral("conv relu, autograd");
    }

    void reportMatchesDenseMatrices()
    {
        QFETCH(QString, kind);
        const bool conv = kind.startsWith("conv");
        const Dataset data = conv ? tinyImages(6, 3) : toDouble(makeBlobs(7, 3, 1.0, 3));
        const auto network = makeNetwork(kind);
        FlatParameters flat(*network);
        const DenseCurvature dense = denseCurvature(*network, data);
        const at::Tensor hEigen = at::linalg_eigvalsh(dense.hessian);   // ascending
        const at::Tensor sEigen = at::linalg_eigvalsh(dense.covariance);
        const int64_t p = flat.size();
        const int64_t n = data.size();

        // eta such that (1 - eta a)^2 = 4 > 1: the Theorem's top eigenvalue is not the flat
        // directions' exact 1.
        const double a = hEigen[p - 1].item<double>();
        const double eta = 3.0 / a;
        const int64_t batch = 2;
        const double c = eta * eta * static_cast<double>(n - batch) / static_cast<double>(batch * (n - 1));
        const at::Tensor identity = at::eye(p, dense.hessian.options());
        const at::Tensor step = identity - eta * dense.hessian;
        const double theorem = at::linalg_eigvalsh(at::mm(step, step) + c * dense.covariance)[p - 1].item<double>();

        CurvatureRequest request;
        request.topK = 3;
        request.lambdaMin = true;
        request.nonUniformity = true;
        request.stability = true;
        request.eta = eta;
        request.batchSize = batch;
        request.layerSharpness = true;
        request.tolerance = kSolverTolerance;
        request.maxSteps = p;
        request.forceNaive = kind.endsWith("autograd");
        // Hutch++ with k = p Krylov steps: Q spans the whole space, so the trace is exact.
        request.traceSamples = 3 * p;
        const CurvatureReport report = measureCurvature(*network, flat, data, request);
        QCOMPARE(report.status, RunStatus::Finished);
        QCOMPARE(report.path, std::string(request.forceNaive ? "autograd" : "r-operator"));
        QCOMPARE(report.topEigenvalues.size(), size_t(3));
        for (int64_t k = 0; k < 3; ++k)
            MS_COMPARE_RELATIVE_AT(report.topEigenvalues[static_cast<size_t>(k)].value,
                                   hEigen[p - 1 - k].item<double>(), kDoubleTolerance,
                                   qPrintable(QStringLiteral("lambda_%1").arg(k + 1)));
        MS_COMPARE_RELATIVE(report.lambdaMin->value, hEigen[0].item<double>(), kDoubleTolerance);
        MS_COMPARE_RELATIVE(report.nonUniformity->value, std::sqrt(sEigen[p - 1].item<double>()), kDoubleTolerance);
        MS_COMPARE_RELATIVE(report.stability->lambdaMax, theorem, kDoubleTolerance);
        QVERIFY(!report.stability->stable);
        MS_COMPARE_RELATIVE(report.trace->trace, dense.hessian.trace().item<double>(), kDoubleTolerance);
        QCOMPARE(report.trace->products, p);
        QCOMPARE(report.trace->samples, int64_t(0));
        const nlohmann::json traceJson = report.toJson()["trace"];
        QCOMPARE(traceJson["estimator"].get<std::string>(), std::string("hutch++"));
        QCOMPARE(traceJson["sketch"].get<std::string>(), std::string("krylov"));
        QCOMPARE(traceJson["sketch_size"].get<int64_t>(), p);
        QCOMPARE(traceJson["products"].get<int64_t>(), p);
        QCOMPARE(traceJson["standard_error"].get<double>(), 0.0);

        // Per-layer sharpness: lambda_max of the dense diagonal block.
        const auto layers = parameterLayers(flat);
        QCOMPARE(report.layers.size(), layers.size());
        QCOMPARE(layers.size(), size_t(conv ? 2 : 3));
        for (size_t l = 0; l < layers.size(); ++l) {
            const at::Tensor& idx = layers[l].indices;
            const at::Tensor block = dense.hessian.index_select(0, idx).index_select(1, idx);
            const double expected = at::linalg_eigvalsh(block).max().item<double>();
            QCOMPARE(report.layers[l].layer, layers[l].name);
            MS_COMPARE_RELATIVE_AT(report.layers[l].sharpness.value, expected, kDoubleTolerance,
                                   layers[l].name.c_str());
        }

        CurvatureOperators operators(*network, flat, data);
        // Hutchinson: the estimate is the mean of z^T H z over the probes it drew (checked with
        // the dense H), and the dense trace lies within 4 of its standard errors.
        RecordingOperator traced{operators.hessian()};
        const TraceEstimate trace = hutchinsonTrace(traced.op(), 50, 11);
        QCOMPARE(traced.seen->size(), size_t(50));
        double mean = 0.0;
        for (const at::Tensor& z : *traced.seen)
            mean += z.dot(dense.hessian.mv(z)).item<double>() / 50.0;
        MS_COMPARE_RELATIVE(trace.trace, mean, kDoubleTolerance);
        MS_COMPARE_NEAR(trace.trace, dense.hessian.trace().item<double>(), kTraceStandardErrors * trace.standardError);

        // SLQ with m steps is exact for polynomials of degree < 2m: the first two moments of
        // each start's nodes and weights are q^T H q and q^T H^2 q.
        RecordingOperator slqOperator{operators.hessian()};
        SpectralDensityOptions slqOptions;
        slqOptions.steps = 10;
        slqOptions.seed = 2;
        const SpectralDensity density = stochasticLanczosQuadrature(slqOperator.op(), slqOptions);
        QCOMPARE(density.status, RunStatus::Finished);
        const at::Tensor q = slqOperator.seen->front();
        double first = 0.0;
        double second = 0.0;
        for (size_t j = 0; j < density.nodes.size(); ++j) {
            first += density.weights[j] * density.nodes[j];
            second += density.weights[j] * density.nodes[j] * density.nodes[j];
        }
        const at::Tensor hq = dense.hessian.mv(q);
        MS_COMPARE_RELATIVE(first, q.dot(hq).item<double>() / q.dot(q).item<double>(), kDoubleTolerance);
        MS_COMPARE_RELATIVE(second, hq.dot(hq).item<double>() / q.dot(q).item<double>(), kDoubleTolerance);
    }

    void floatReportMatchesDenseMatrices()
    {
        // The same engine on float32 copies of a tiny MLP and CNN, against the double dense
        // matrices: the float bound.
        constexpr double kFloatReportTolerance = 1e-3;
        // The solver's residual bound in float32: well under kFloatReportTolerance, far above
        // float32 rounding of the products.
        constexpr double kFloatSolverTolerance = 1e-5;
        for (const QString& kind : {QStringLiteral("mlp tanh"), QStringLiteral("conv relu")}) {
            const bool conv = kind.startsWith("conv");
            Dataset data = conv ? tinyImages(6, 3) : toDouble(makeBlobs(7, 3, 1.0, 3));
            const auto network = makeNetwork(kind);
            const DenseCurvature dense = denseCurvature(*network, data);
            const int64_t p = dense.hessian.size(0);
            network->to(at::kFloat);
            data.inputs = data.inputs.to(at::kFloat);
            FlatParameters flat(*network);
            CurvatureRequest request;
            request.lambdaMin = true;
            request.tolerance = kFloatSolverTolerance;
            request.maxSteps = p;
            const CurvatureReport report = measureCurvature(*network, flat, data, request);
            const at::Tensor hEigen = at::linalg_eigvalsh(dense.hessian);
            const double s = std::sqrt(at::linalg_eigvalsh(dense.covariance)[p - 1].item<double>());
            MS_COMPARE_RELATIVE_AT(report.topEigenvalues.front().value, hEigen[p - 1].item<double>(),
                                   kFloatReportTolerance, qPrintable(kind));
            MS_COMPARE_RELATIVE_AT(report.lambdaMin->value, hEigen[0].item<double>(), kFloatReportTolerance,
                                   qPrintable(kind));
            MS_COMPARE_RELATIVE_AT(report.nonUniformity->value, s, kFloatReportTolerance, qPrintable(kind));
        }
    }

    void convSigmaProductsMatchDenseMatrices()
    {
        for (Activation activation : {Activation::Relu, Activation::Tanh}) {
            const Dataset data = tinyImages(5, 8);
            const auto network = tinyConvNet(activation);
            FlatParameters flat(*network);
            const DenseCurvature dense = denseCurvature(*network, data);
            const at::Tensor v = at::randn({flat.size()}, at::TensorOptions(at::kDouble));
            AutogradCurvature curvature(*network, flat, data, nullptr, /*chunk=*/2);
            QCOMPARE_LT(relativeError(curvature.hessian().apply(v), dense.hessian.mv(v)), kProductTolerance);
            QCOMPARE_LT(relativeError(curvature.covariance().apply(v), dense.covariance.mv(v)), kProductTolerance);
        }
    }
};

MINIMASCOPE_TEST_APPLESS(TestCurvatureSpectra)
#include "TestCurvatureSpectra.moc"
