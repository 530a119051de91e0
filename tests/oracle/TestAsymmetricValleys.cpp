// Asymmetric valleys (landscape/AsymmetricValleys.h) against closed forms: piecewise-linear and
// piecewise-quadratic 1-D valleys with known slopes on each side (the (r, p, c, zeta) verdict
// both ways, the flat side, the ratio), and a one-weight network whose loss is such a valley, scanned
// with filter-normalized random directions through the network path (exact gradients).
#include "landscape/AsymmetricValleys.h"

#include "common/InputError.h"
#include "data/Dataset.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <torch/nn/module.h>

#include <QTest>

#include <cmath>
#include <limits>

using namespace minimascope::core;

namespace {

// Slopes of piecewise-linear functions come out of exact arithmetic on a few doubles (a * l
// differences over a span): 1e-12 relative is rounding with margin.
constexpr double kExact = 1e-12;
// Through the network: float64 forward/backward of one weight, the same rounding.
constexpr double kNetwork = 1e-12;

// The bound applied to |actual - expected|: relative for |expected| >= 1, absolute below.
double scaled(double tolerance, double expected) { return tolerance * std::max(1.0, std::abs(expected)); }

// phi(l) = a l for l >= 0, b (-l) for l < 0: outward slopes a (+ side) and b (- side).
DirectionalProbe piecewiseLinear(double a, double b)
{
    return [a, b](double l, double& loss, double& slope) {
        loss = l >= 0 ? a * l : -b * l;
        slope = l >= 0 ? a : -b;
        return true;
    };
}

// L(w) = a relu(w - 1) + b relu(1 - w) of one weight shaped [1, 1] (a "filter" of norm 1 at the
// minimum w = 1), every example's loss the same (DirectLoss).
class ValleyNetwork : public Network {
public:
    ValleyNetwork(double a, double b) : m_a(a), m_b(b)
    {
        m_w = register_parameter("w", at::ones({1, 1}, at::TensorOptions(at::kDouble)));
    }
    at::Tensor forward(const at::Tensor& input) override
    {
        const at::Tensor w = m_w.reshape({});
        const at::Tensor loss = m_a * at::relu(w - 1.0) + m_b * at::relu(1.0 - w);
        return loss * at::ones({input.size(0)}, input.options());
    }
    std::string describe() const override { return "one-weight valley"; }

private:
    double m_a;
    double m_b;
    at::Tensor m_w;
};

}   // namespace

class TestAsymmetricValleys : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void piecewiseLinearVerdict_data()
    {
        QTest::addColumn<double>("a");
        QTest::addColumn<double>("b");
        QTest::addColumn<double>("p");
        QTest::addColumn<double>("c");
        QTest::addColumn<bool>("asymmetric");
        // ratio 20: asymmetric for any c < 20 when p is free.
        QTest::newRow("free p, c 5") << 0.1 << 2.0 << 0.0 << 5.0 << true;
        QTest::newRow("free p, c 25") << 0.1 << 2.0 << 0.0 << 25.0 << false;
        // p = 0.2: 0.1 < p and 2 > c p = 1.
        QTest::newRow("p 0.2, c 5") << 0.1 << 2.0 << 0.2 << 5.0 << true;
        // p = 0.05: the flat side's 0.1 is not below p.
        QTest::newRow("p 0.05, c 5") << 0.1 << 2.0 << 0.05 << 5.0 << false;
        // p = 0.5: 2 is not above c p = 2.5.
        QTest::newRow("p 0.5, c 5") << 0.1 << 2.0 << 0.5 << 5.0 << false;
        // The mirror image: the flat side is -.
        QTest::newRow("mirrored") << 2.0 << 0.1 << 0.0 << 5.0 << true;
        // A symmetric valley is never asymmetric.
        QTest::newRow("symmetric") << 1.0 << 1.0 << 0.0 << 1.01 << false;
    }

    void piecewiseLinearVerdict()
    {
        QFETCH(double, a);
        QFETCH(double, b);
        QFETCH(double, p);
        QFETCH(double, c);
        QFETCH(bool, asymmetric);
        AsymmetryOptions options;
        options.zeta = 0.1;
        options.radius = 1.0;
        options.points = 7;
        options.p = p;
        options.c = c;
        DirectionAsymmetry result;
        QVERIFY(measureDirectionAsymmetry(piecewiseLinear(a, b), options, result));
        const double flat = std::min(a, b), sharp = std::max(a, b);
        QCOMPARE(result.flatSide, a <= b ? +1 : -1);
        QCOMPARE(result.distances.size(), size_t(7));
        MS_COMPARE_NEAR(result.distances.front(), 0.1, scaled(kExact, 0.1));
        MS_COMPARE_NEAR(result.distances.back(), 1.0, scaled(kExact, 1.0));
        MS_COMPARE_NEAR(result.flatSlopeMax, flat, scaled(kExact, flat));
        MS_COMPARE_NEAR(result.sharpSlopeMin, sharp, scaled(kExact, sharp));
        MS_COMPARE_NEAR(result.meanSlopeFlat, flat, scaled(kExact, flat));
        MS_COMPARE_NEAR(result.meanSlopeSharp, sharp, scaled(kExact, sharp));
        MS_COMPARE_NEAR(result.ratio, sharp / flat, scaled(kExact, sharp / flat));
        QCOMPARE(result.asymmetric, asymmetric);
        QCOMPARE(result.centreLoss, 0.0);
    }

    void signedCurveRunsFromMinusRToR()
    {
        // The curve of a piecewise-linear valley (slopes 2 on the - side, 0.5 on the +): l from -r
        // to r through 0, the loss |l| times the side's slope, the outward slopes, none at the centre.
        AsymmetryOptions options;
        options.zeta = 0.25;
        options.radius = 1.0;
        options.points = 4;
        DirectionAsymmetry direction;
        QVERIFY(measureDirectionAsymmetry(piecewiseLinear(0.5, 2.0), options, direction));
        const AsymmetryCurve curve = signedCurve(direction);
        const std::vector<double> l{-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0};
        QCOMPARE(curve.l.size(), l.size());
        for (size_t j = 0; j < l.size(); ++j) {
            const double slope = l[j] < 0 ? 2.0 : 0.5;
            MS_COMPARE_NEAR(curve.l[j], l[j], kExact);
            MS_COMPARE_NEAR(curve.loss[j], slope * std::abs(l[j]), scaled(kExact, 2.0));
            if (l[j] == 0.0)
                QVERIFY(std::isnan(curve.outwardSlope[j]));
            else
                MS_COMPARE_NEAR(curve.outwardSlope[j], slope, scaled(kExact, slope));
        }
    }

    void piecewiseQuadraticRatio()
    {
        // phi(l) = a l^2 (l >= 0), b l^2 (l < 0): outward slopes 2 a l and 2 b l, so over
        // [zeta, r] the flat side's largest is 2 a r, the sharp side's smallest 2 b zeta, the
        // ratio b zeta / (a r), and the secants a (r + zeta) and b (r + zeta).
        const double a = 0.5, b = 40.0;
        const DirectionalProbe probe = [a, b](double l, double& loss, double& slope) {
            loss = (l >= 0 ? a : b) * l * l;
            slope = 2.0 * (l >= 0 ? a : b) * l;
            return true;
        };
        AsymmetryOptions options;
        options.zeta = 0.2;
        options.radius = 2.0;
        options.points = 5;
        DirectionAsymmetry result;
        QVERIFY(measureDirectionAsymmetry(probe, options, result));
        QCOMPARE(result.flatSide, +1);
        MS_COMPARE_NEAR(result.flatSlopeMax, 2 * a * 2.0, scaled(kExact, 2 * a * 2.0));
        MS_COMPARE_NEAR(result.sharpSlopeMin, 2 * b * 0.2, scaled(kExact, 2 * b * 0.2));
        MS_COMPARE_NEAR(result.ratio, b * 0.2 / (a * 2.0), scaled(kExact, b * 0.2 / (a * 2.0)));   // 8
        MS_COMPARE_NEAR(result.meanSlopeFlat, a * 2.2, scaled(kExact, a * 2.2));
        MS_COMPARE_NEAR(result.meanSlopeSharp, b * 2.2, scaled(kExact, b * 2.2));
        QVERIFY(result.asymmetric);   // 8 > c = 2
        options.c = 9.0;
        QVERIFY(measureDirectionAsymmetry(probe, options, result));
        QVERIFY(!result.asymmetric);
    }

    void cancelledProbe()
    {
        const DirectionalProbe probe = [](double, double&, double&) { return false; };
        DirectionAsymmetry result;
        QVERIFY(!measureDirectionAsymmetry(probe, AsymmetryOptions{}, result));
    }

    void badOptions()
    {
        AsymmetryOptions options;
        options.zeta = 1.0;
        options.radius = 0.5;
        QVERIFY_THROWS_EXCEPTION(InputError, validateAsymmetryOptions(options));
        options = {};
        options.c = 1.0;
        QVERIFY_THROWS_EXCEPTION(InputError, validateAsymmetryOptions(options));
        options = {};
        options.points = 1;
        QVERIFY_THROWS_EXCEPTION(InputError, validateAsymmetryOptions(options));
    }

    void networkScan()
    {
        const double a = 0.25, b = 3.0;
        ValleyNetwork network(a, b);
        FlatParameters parameters(network);
        Dataset data;
        data.name = "constant";
        data.task = Task::DirectLoss;
        data.inputs = at::zeros({4, 1}, at::TensorOptions(at::kDouble));
        data.targets = at::zeros({4}, at::TensorOptions(at::kDouble));
        data.inputShape = {1};

        AsymmetryOptions options;
        options.count = 6;
        options.zeta = 0.05;
        options.radius = 0.5;
        options.points = 4;
        options.c = 10.0;   // the ratio is b / a = 12
        options.seed = 3;
        const AsymmetryScan scan = scanAsymmetricDirections(network, parameters, data, options);
        QCOMPARE(scan.status, RunStatus::Finished);
        QCOMPARE(scan.directions.size(), size_t(6));
        QCOMPARE(scan.asymmetricCount, int64_t(6));
        QCOMPARE(scan.gradients, int64_t(6 * (1 + 2 * 4)));
        QCOMPARE(parameters.values().item<double>(), 1.0);   // put back
        for (const DirectionAsymmetry& d : scan.directions) {
            // Filter normalization: d = +-1 (the weight's norm), so l moves w by +-l.
            const at::Tensor u = randomDirection(parameters, DirectionNormalization::Filter, true, d.seed);
            const double sign = u.item<double>();
            MS_COMPARE_NEAR(std::abs(sign), 1.0, scaled(kNetwork, 1.0));
            MS_COMPARE_NEAR(d.norm, 1.0, scaled(kNetwork, 1.0));
            // w grows along +u when sign > 0: that side has slope a, the flat one.
            QCOMPARE(d.flatSide, sign > 0 ? +1 : -1);
            MS_COMPARE_NEAR(d.flatSlopeMax, a, scaled(kNetwork, a));
            MS_COMPARE_NEAR(d.sharpSlopeMin, b, scaled(kNetwork, b));
            MS_COMPARE_NEAR(d.ratio, b / a, scaled(kNetwork, b / a));
            MS_COMPARE_NEAR(d.centreLoss, 0.0, scaled(kNetwork, 0.0));
            const std::vector<double>& flatLoss = d.flatSide > 0 ? d.lossPlus : d.lossMinus;
            MS_COMPARE_NEAR(flatLoss.back(), a * 0.5, scaled(kNetwork, a * 0.5));
        }
        const nlohmann::json json = scan.toJson();
        QCOMPARE(json["asymmetric_count"].get<int64_t>(), int64_t(6));
        QCOMPARE(json["directions"].size(), size_t(6));
    }
};

MINIMASCOPE_TEST_GUILESS(TestAsymmetricValleys)
#include "TestAsymmetricValleys.moc"
