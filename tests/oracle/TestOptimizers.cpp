// makeOptimizer against hand-computed steps on the quadratic f(theta) = 1/2 theta^T A theta - b^T theta,
// whose gradient A theta - b is set by hand on a single flat double tensor (as the trainer's
// flat parameter vector is). The reference arithmetic below uses plain doubles, not torch.
#include "train/OptimizerFactory.h"
#include "train/RunConfig.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <torch/optim/optimizer.h>

#include <QTest>

#include <array>
#include <cmath>
#include <functional>
#include <vector>

using namespace minimascope::core;

namespace {

// Steps are a handful of double operations on O(1) numbers.
constexpr double kDoubleTol = 1e-12;   // a few ulps of double arithmetic on O(1) values
// L-BFGS must reach the minimizer; this is the spec's target accuracy.
constexpr double kMinimizerTol = 1e-5;
// Adam's first step is lr sign(g) up to eps: the difference is lr eps / |g| = 5e-10 / |g| (lr 0.05,
// eps 1e-8) in double, far inside this for gradients of order one.
constexpr double kAdamFirstStepTol = 1e-7;
// A variant (momentum, decay, SAM) differs from the plain step by far more than this: the check
// that the variant did something.
constexpr double kVariantDiffers = 1e-3;

using Vec = std::vector<double>;
using Mat = std::vector<Vec>;

struct Quadratic {
    Mat a;
    Vec b;

    Vec gradient(const Vec& x) const
    {
        Vec g(x.size(), 0.0);
        for (size_t i = 0; i < x.size(); ++i) {
            for (size_t j = 0; j < x.size(); ++j)
                g[i] += a[i][j] * x[j];
            g[i] -= b[i];
        }
        return g;
    }
    double value(const Vec& x) const
    {
        double f = 0.0;
        for (size_t i = 0; i < x.size(); ++i) {
            for (size_t j = 0; j < x.size(); ++j)
                f += 0.5 * x[i] * a[i][j] * x[j];
            f -= b[i] * x[i];
        }
        return f;
    }
};

// A small SPD matrix (diagonally dominant, symmetric).
Quadratic quadratic3() { return {{{3.0, 1.0, 0.0}, {1.0, 2.0, 0.5}, {0.0, 0.5, 1.0}}, {1.0, -1.0, 2.0}}; }

const Vec kTheta0{0.5, -0.3, 0.8};

at::Tensor toTensor(const Vec& v) { return at::tensor(v, at::kDouble); }

Vec toVec(const at::Tensor& t)
{
    const at::Tensor c = t.contiguous();
    return Vec(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// Writes grad f(theta) into theta.grad and returns f(theta) as a 0-d tensor.
at::Tensor setGradient(const Quadratic& q, at::Tensor& theta)
{
    const Vec x = toVec(theta);
    const at::Tensor g = toTensor(q.gradient(x));
    if (theta.grad().defined())
        theta.mutable_grad().copy_(g);
    else
        theta.mutable_grad() = g;
    return at::scalar_tensor(q.value(x), at::kDouble);
}

double maxDiff(const at::Tensor& t, const Vec& expected)
{
    const Vec v = toVec(t);
    double d = 0.0;
    for (size_t i = 0; i < v.size(); ++i)
        d = std::max(d, std::abs(v[i] - expected[i]));
    return d;
}

Vec axpy(const Vec& x, double alpha, const Vec& y)   // x + alpha y
{
    Vec out(x);
    for (size_t i = 0; i < x.size(); ++i)
        out[i] += alpha * y[i];
    return out;
}

// Runs `steps` optimizer steps, each with the gradient at the current point; returns theta.
at::Tensor runSteps(const OptimizerSpec& spec, const Quadratic& q, int steps)
{
    at::Tensor theta = toTensor(kTheta0);
    auto optimizer = makeOptimizer(spec, theta);
    for (int k = 0; k < steps; ++k) {
        setGradient(q, theta);
        optimizer->step();
    }
    return theta;
}

OptimizerSpec spec(const std::string& name, double lr)
{
    OptimizerSpec s;
    s.name = name;
    s.lr = lr;
    return s;
}

}   // namespace

class TestOptimizers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plainSgd()
    {
        const Quadratic q = quadratic3();
        const double lr = 0.1;
        const Vec expected = axpy(kTheta0, -lr, q.gradient(kTheta0));
        const at::Tensor theta = runSteps(spec("sgd", lr), q, 1);
        QCOMPARE_LT(maxDiff(theta, expected), kDoubleTol);
        // gd is the same update rule.
        QCOMPARE_LT(maxDiff(runSteps(spec("gd", lr), q, 1), expected), kDoubleTol);

        // Two steps, with weight decay wd: g + wd theta.
        OptimizerSpec decayed = spec("sgd", lr);
        decayed.weightDecay = 0.01;
        Vec x = kTheta0;
        for (int k = 0; k < 2; ++k)
            x = axpy(x, -lr, axpy(q.gradient(x), 0.01, x));
        QCOMPARE_LT(maxDiff(runSteps(decayed, q, 2), x), kDoubleTol);
    }

    void momentumTwoSteps()
    {
        const Quadratic q = quadratic3();
        const double lr = 0.1, mu = 0.9;
        OptimizerSpec s = spec("sgd", lr);
        s.momentum = mu;
        // PyTorch's heavy ball: buf_1 = g_0, buf_{t+1} = mu buf_t + g_t, theta -= lr buf.
        const Vec g0 = q.gradient(kTheta0);
        const Vec buf1 = g0;
        const Vec x1 = axpy(kTheta0, -lr, buf1);
        const Vec buf2 = axpy(q.gradient(x1), mu, buf1);
        const Vec x2 = axpy(x1, -lr, buf2);
        const at::Tensor theta = runSteps(s, q, 2);
        QCOMPARE_LT(maxDiff(theta, x2), kDoubleTol);
        // And it differs from two plain steps by far more than the tolerance.
        Vec plain = axpy(kTheta0, -lr, g0);
        plain = axpy(plain, -lr, q.gradient(plain));
        QCOMPARE_GT(maxDiff(theta, plain), kVariantDiffers);
    }

    void nesterovTwoSteps()
    {
        const Quadratic q = quadratic3();
        const double lr = 0.1, mu = 0.8;
        OptimizerSpec s = spec("sgd", lr);
        s.momentum = mu;
        s.nesterov = true;
        // Nesterov: buf as above, step direction g_t + mu buf_{t+1}.
        const Vec g0 = q.gradient(kTheta0);
        const Vec buf1 = g0;
        const Vec x1 = axpy(kTheta0, -lr, axpy(g0, mu, buf1));
        const Vec g1 = q.gradient(x1);
        const Vec buf2 = axpy(g1, mu, buf1);
        const Vec x2 = axpy(x1, -lr, axpy(g1, mu, buf2));
        const at::Tensor theta = runSteps(s, q, 2);
        QCOMPARE_LT(maxDiff(theta, x2), kDoubleTol);
    }

    void adagradWithLrDecayTwoSteps()
    {
        const Quadratic q = quadratic3();
        const double lr = 0.2, decay = 0.5, eps = 1e-10;
        OptimizerSpec s = spec("adagrad", lr);
        s.lrDecay = decay;
        s.eps = eps;
        // gamma_t = lr / (1 + (t-1) decay); sum_t = sum g^2; theta -= gamma_t g / (sqrt(sum_t) + eps).
        Vec x = kTheta0;
        Vec sum(3, 0.0);
        for (int t = 1; t <= 2; ++t) {
            const Vec g = q.gradient(x);
            const double gamma = lr / (1.0 + (t - 1) * decay);
            for (size_t i = 0; i < 3; ++i) {
                sum[i] += g[i] * g[i];
                x[i] -= gamma * g[i] / (std::sqrt(sum[i]) + eps);
            }
        }
        const at::Tensor theta = runSteps(s, q, 2);
        QCOMPARE_LT(maxDiff(theta, x), kDoubleTol);

        // Without decay the second step is larger (gamma_2 = lr instead of lr / 1.5).
        OptimizerSpec noDecay = s;
        noDecay.lrDecay = 0.0;
        QCOMPARE_GT(maxDiff(runSteps(noDecay, q, 2), x), kVariantDiffers);
    }

    void adamTwoSteps()
    {
        const Quadratic q = quadratic3();
        const double lr = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        OptimizerSpec s = spec("adam", lr);
        s.beta1 = b1;
        s.beta2 = b2;
        s.eps = eps;
        Vec x = kTheta0;
        Vec m(3, 0.0), v(3, 0.0);
        for (int t = 1; t <= 2; ++t) {
            const Vec g = q.gradient(x);
            for (size_t i = 0; i < 3; ++i) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                const double mHat = m[i] / (1 - std::pow(b1, t));
                const double vHat = v[i] / (1 - std::pow(b2, t));
                x[i] -= lr * mHat / (std::sqrt(vHat) + eps);
            }
        }
        const at::Tensor theta = runSteps(s, q, 2);
        QCOMPARE_LT(maxDiff(theta, x), kDoubleTol);
        // Bias correction makes the first step lr * sign(g) (up to eps): check it directly.
        const at::Tensor one = runSteps(s, q, 1);
        const Vec g0 = q.gradient(kTheta0);
        for (size_t i = 0; i < 3; ++i)
            MS_COMPARE_NEAR(toVec(one)[i], kTheta0[i] - lr * (g0[i] > 0 ? 1 : -1), kAdamFirstStepTol);
    }

    void samOneStep()
    {
        const Quadratic q = quadratic3();
        const double lr = 0.1, rho = 0.05;
        OptimizerSpec s = spec("sam", lr);
        s.rho = rho;
        // g0 at theta; e = rho g0 / |g0|; g1 at theta + e; theta -= lr g1.
        const Vec g0 = q.gradient(kTheta0);
        double norm = 0.0;
        for (double gi : g0)
            norm += gi * gi;
        norm = std::sqrt(norm);
        const Vec perturbed = axpy(kTheta0, rho / norm, g0);
        const Vec expected = axpy(kTheta0, -lr, q.gradient(perturbed));

        at::Tensor theta = toTensor(kTheta0);
        auto optimizer = makeOptimizer(s, theta);
        int calls = 0;
        const at::Tensor loss = optimizer->step([&] {
            ++calls;
            return setGradient(q, theta);
        });
        QCOMPARE(calls, 2);
        // SAM returns the loss at theta, before the step.
        MS_COMPARE_NEAR(loss.item<double>(), q.value(kTheta0), kDoubleTol);
        // Sam adds 1e-12 to |g| before dividing, which moves the result by ~1e-13.
        QCOMPARE_LT(maxDiff(theta, expected), kDoubleTol);
        // It differs from a plain SGD step.
        QCOMPARE_GT(maxDiff(theta, axpy(kTheta0, -lr, g0)), kVariantDiffers);
        // SAM needs a closure.
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, optimizer->step());
    }

    void lbfgsReachesTheMinimizer()
    {
        // A 5-D SPD quadratic with a known minimizer x*: b = A x*.
        const Mat m{{1.0, 0.2, 0.0, -0.3, 0.1},
                    {0.0, 1.5, 0.4, 0.0, 0.2},
                    {0.3, 0.0, 0.8, 0.5, 0.0},
                    {0.0, -0.4, 0.0, 1.2, 0.3},
                    {0.2, 0.0, 0.1, 0.0, 0.9}};
        Quadratic q;
        q.a.assign(5, Vec(5, 0.0));
        for (size_t i = 0; i < 5; ++i)
            for (size_t j = 0; j < 5; ++j) {
                for (size_t k = 0; k < 5; ++k)
                    q.a[i][j] += m[i][k] * m[j][k];   // M M^T
                if (i == j)
                    q.a[i][j] += 0.5;   // + 0.5 I: SPD
            }
        const Vec xStar{1.0, -2.0, 0.5, 3.0, -1.5};
        q.b.assign(5, 0.0);
        for (size_t i = 0; i < 5; ++i)
            for (size_t j = 0; j < 5; ++j)
                q.b[i] += q.a[i][j] * xStar[j];

        OptimizerSpec s = spec("lbfgs", 1.0);
        s.lineSearch = true;
        s.historySize = 10;
        s.lbfgsInnerIterations = 1;
        at::Tensor theta = at::zeros({5}, at::kDouble);
        auto optimizer = makeOptimizer(s, theta);
        int steps = 0;
        double error = maxDiff(theta, xStar);
        while (steps < 50 && error >= kMinimizerTol) {
            optimizer->step([&] { return setGradient(q, theta); });
            ++steps;
            error = maxDiff(theta, xStar);
        }
        qDebug("L-BFGS (strong Wolfe) reached |theta - x*|_inf = %.3g after %d steps", error, steps);
        QCOMPARE_LT(error, kMinimizerTol);
        QVERIFY(steps <= 50);
    }

    void plainSgdDetection()
    {
        QVERIFY(isPlainSgd(spec("sgd", 0.1)));
        QVERIFY(isPlainSgd(spec("gd", 0.1)));
        OptimizerSpec momentum = spec("sgd", 0.1);
        momentum.momentum = 0.9;
        QVERIFY(!isPlainSgd(momentum));
        OptimizerSpec decay = spec("gd", 0.1);
        decay.weightDecay = 1e-4;
        QVERIFY(!isPlainSgd(decay));
        QVERIFY(!isPlainSgd(spec("adam", 0.1)));
        QVERIFY(!isPlainSgd(spec("adagrad", 0.1)));
        QVERIFY(!isPlainSgd(spec("lbfgs", 1.0)));
        QVERIFY(!isPlainSgd(spec("sam", 0.1)));
    }
};

MINIMASCOPE_TEST_APPLESS(TestOptimizers)
#include "TestOptimizers.moc"
