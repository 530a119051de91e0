// The flat-parameter view: values and gradients are live, contiguous concatenations of the
// module's parameters and their gradients; seeded initialization is reproducible.
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "models/SeededInit.h"
#include "support/InputErrorOf.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <QTest>

#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

using namespace minimascope::core;

namespace {

MlpOptions smallOptions()
{
    MlpOptions o;
    o.inputs = 4;
    o.hiddenWidths = {5, 3};
    o.outputs = 2;
    o.activation = Activation::Tanh;
    return o;
}

std::shared_ptr<Mlp> smallMlp(uint64_t seed)
{
    auto mlp = std::make_shared<Mlp>(smallOptions());
    initializeParameters(*mlp, seed);
    return mlp;
}

at::Tensor concatenated(const std::vector<at::Tensor>& tensors)
{
    std::vector<at::Tensor> flat;
    for (const auto& t : tensors)
        flat.push_back(t.detach().reshape({-1}));
    return at::cat(flat);
}

}   // namespace

class TestFlatParameters : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void valuesAreTheConcatenation()
    {
        auto mlp = smallMlp(3);
        std::vector<at::Tensor> originals;
        for (const auto& p : mlp->parameters())
            originals.push_back(p.detach().clone());
        FlatParameters flat(*mlp);
        const int64_t expectedSize = 4 * 5 + 5 + 5 * 3 + 3 + 3 * 2 + 2;
        QCOMPARE(flat.size(), expectedSize);
        QVERIFY(at::equal(flat.values(), concatenated(originals)));
        QVERIFY(flat.values().is_contiguous());
        QVERIFY(at::equal(flat.gradients(), at::zeros({expectedSize})));
        QVERIFY(at::equal(flat.get(), flat.values()));

        // Slices: names, offsets and shapes in registration order.
        const auto& slices = flat.slices();
        QCOMPARE(slices.size(), size_t(6));
        int64_t offset = 0;
        size_t i = 0;
        for (const auto& p : mlp->named_parameters()) {
            QCOMPARE(slices[i].name, p.key());
            QCOMPARE(slices[i].offset, offset);
            QCOMPARE(slices[i].numel, p.value().numel());
            QCOMPARE(slices[i].shape, p.value().sizes().vec());
            // slice() views the same memory as the module's parameter.
            const at::Tensor view = flat.slice(flat.values(), i);
            QCOMPARE(view.sizes().vec(), p.value().sizes().vec());
            QCOMPARE(view.data_ptr(), p.value().data_ptr());
            offset += p.value().numel();
            ++i;
        }
        QCOMPARE(offset, flat.size());
        // slice() of any vector of the right size picks the same range.
        const at::Tensor ramp = at::arange(flat.size(), at::kFloat);
        const at::Tensor s = flat.slice(ramp, 2);
        QCOMPARE(s.sizes().vec(), (std::vector<int64_t>{3, 5}));
        QCOMPARE(s[0][0].item<float>(), float(slices[2].offset));
        QCOMPARE(s[2][4].item<float>(), float(slices[2].offset + 14));
        // get() is a copy.
        const at::Tensor copy = flat.get();
        copy.fill_(0.0f);
        QVERIFY(!at::equal(flat.values(), copy));
    }

    void writingValuesChangesTheModel()
    {
        auto mlp = smallMlp(4);
        FlatParameters flat(*mlp);
        const at::Tensor x = at::randn({6, 4});
        const at::Tensor before = mlp->forward(x).detach();

        // Zero every weight and set the output bias: the output becomes that bias.
        {
            at::NoGradGuard noGrad;
            flat.values().zero_();
            flat.slice(flat.values(), 5).copy_(at::tensor({1.5f, -2.0f}));
        }
        const at::Tensor constant = mlp->forward(x).detach();
        QVERIFY(at::equal(constant, at::tensor({1.5f, -2.0f}).expand({6, 2})));

        // set() restores (and writes through the same storage).
        const at::Tensor saved = flat.get();
        flat.set(at::zeros({flat.size()}));
        QVERIFY(at::equal(mlp->forward(x).detach(), at::zeros({6, 2})));
        flat.set(saved);
        QVERIFY(at::equal(mlp->forward(x).detach(), constant));
        QVERIFY(!at::equal(before, constant));
        // set() accepts any shape with the right number of elements.
        flat.set(saved.reshape({1, -1}));
        QVERIFY(at::equal(flat.values(), saved));
    }

    void setWithWrongSizeThrows()
    {
        auto mlp = smallMlp(5);
        FlatParameters flat(*mlp);
        const at::Tensor before = flat.get();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, flat.set(at::zeros({flat.size() - 1})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, flat.set(at::zeros({flat.size() + 1})));
        QVERIFY(at::equal(flat.values(), before));
    }

    void gradientsAreTheConcatenatedGrads()
    {
        auto mlp = smallMlp(6);
        FlatParameters flat(*mlp);
        const at::Tensor x = at::randn({3, 4});
        {
            at::AutoGradMode gradMode(true);
            const at::Tensor loss = mlp->forward(x).pow(2).sum();
            torch::autograd::backward({loss});
        }
        std::vector<at::Tensor> grads;
        for (const auto& p : mlp->parameters()) {
            QVERIFY(p.grad().defined());
            grads.push_back(p.grad());
            // Each grad is a view of the flat gradient vector.
            QVERIFY(p.grad().data_ptr() >= flat.gradients().data_ptr());
        }
        QVERIFY(at::equal(flat.gradients(), concatenated(grads)));
        QVERIFY(flat.gradients().abs().sum().item<float>() > 0);

        // Reference: the same gradient by autograd::grad on a fresh copy of the network.
        auto copy = smallMlp(6);
        at::AutoGradMode gradMode(true);
        const at::Tensor loss = copy->forward(x).pow(2).sum();
        const auto reference = torch::autograd::grad({loss}, copy->parameters());
        // Same float operations in the same order: bit-identical.
        QVERIFY(at::equal(flat.gradients(), concatenated(reference)));

        // A second backward accumulates into the same flat vector (autograd adds in place).
        const at::Tensor first = flat.gradients().clone();
        torch::autograd::backward({mlp->forward(x).pow(2).sum()});
        QVERIFY(at::allclose(flat.gradients(), 2 * first));
        // The optimizer-facing grad of the flat vector is the same tensor.
        QCOMPARE(flat.values().grad().data_ptr(), flat.gradients().data_ptr());
    }

    void flattenPutsUnreachedParametersAsZeros()
    {
        // autograd::grad with allow_unused gives an undefined tensor for a parameter the loss does
        // not reach: its block of the flat vector is zeros, every other block the tensor itself.
        auto mlp = smallMlp(7);
        FlatParameters flat(*mlp);
        std::vector<at::Tensor> perParameter;
        for (const auto& p : mlp->parameters())
            perParameter.push_back(at::randn(p.sizes()));
        const at::Tensor whole = flat.flatten(perParameter);
        QVERIFY(at::equal(whole, concatenated(perParameter)));
        perParameter[1] = at::Tensor();
        const at::Tensor gap = flat.flatten(perParameter);
        QCOMPARE(gap.numel(), flat.size());
        for (size_t i = 0; i < perParameter.size(); ++i) {
            const at::Tensor block = flat.slice(gap, i);
            QVERIFY(i == 1 ? at::equal(block, at::zeros_like(block)) : at::equal(block, flat.slice(whole, i)));
        }
        perParameter[1] = at::zeros({3});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, flat.flatten(perParameter));
        perParameter.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, flat.flatten(perParameter));
    }

    void seededInitialization()
    {
        auto a = smallMlp(99);
        auto b = smallMlp(99);
        auto c = smallMlp(100);
        FlatParameters fa(*a), fb(*b), fc(*c);
        QVERIFY(at::equal(fa.values(), fb.values()));
        QVERIFY(!at::equal(fa.values(), fc.values()));
        // Every entry differs for a different seed, not just a few.
        QVERIFY((fa.values() != fc.values()).all().item<bool>());
        // Independent of torch's global generator.
        at::manual_seed(1);
        auto d = smallMlp(99);
        at::manual_seed(2);
        auto e = smallMlp(99);
        QVERIFY(at::equal(FlatParameters(*d).values(), fa.values()));
        QVERIFY(at::equal(FlatParameters(*e).values(), fa.values()));
        // PyTorch's default scheme: uniform in +-1/sqrt(fan_in).
        const at::Tensor w0 = fa.slice(fa.values(), 0);   // fan_in 4
        QVERIFY(w0.abs().max().item<float>() <= 0.5f);
        const at::Tensor w1 = fa.slice(fa.values(), 2);   // fan_in 5
        // The float32 weights may round past the irrational bound 1/sqrt(5) by half an ulp (3e-8).
        constexpr double kFloatBoundTolerance = 1e-7;
        QCOMPARE_LE(w1.abs().max().item<double>(), 1.0 / std::sqrt(5.0) + kFloatBoundTolerance);
    }

    void nonFiniteParametersAreRefused()
    {
        auto mlp = smallMlp(3);
        FlatParameters flat(*mlp);
        requireFiniteParameters(flat, "runs/x/parameters");   // finite: no error
        // One NaN and one infinity in the second layer's weight.
        const at::NoGradGuard noGrad;
        const ParameterSlice& second = flat.slices().at(2);
        flat.values()[second.offset + 1] = std::numeric_limits<float>::quiet_NaN();
        flat.values()[second.offset + 4] = -std::numeric_limits<float>::infinity();
        const QString message = inputErrorOf([&] { requireFiniteParameters(flat, "runs/x/parameters"); });
        QVERIFY2(message.startsWith(QString::fromStdString("runs/x/parameters: 2 of " + std::to_string(flat.size())
                                                           + " parameters are NaN or infinite (the first in "
                                                           + second.name + ")")),
                 qPrintable(message));
    }
};

MINIMASCOPE_TEST_APPLESS(TestFlatParameters)
#include "TestFlatParameters.moc"
