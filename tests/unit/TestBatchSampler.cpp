// The three batch sampling rules: epochs of Shuffle, uniformity of Subset, repeats of
// Replacement, and reproducibility from the seed.
#include "train/BatchSampler.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>

#include <QTest>

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

using namespace minimascope::core;

namespace {

std::vector<int64_t> toVector(const at::Tensor& t)
{
    const at::Tensor c = t.contiguous();
    return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

std::vector<int64_t> draw(BatchSampler& sampler, int batches)
{
    std::vector<int64_t> out;
    for (int i = 0; i < batches; ++i) {
        const auto b = toVector(sampler.next());
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

// Pearson's statistic sum (O - E)^2 / E of index counts against a uniform expectation.
double chiSquare(const std::vector<int64_t>& counts, double expected)
{
    double chi2 = 0.0;
    for (int64_t c : counts)
        chi2 += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
    return chi2;
}

// n = 10 cells: 9 degrees of freedom, mean 9, P(chi2 > 40) ~ 5e-6. A uniform sampler passes
// with a huge margin; a sampler that never draws one index (an off-by-one in the bound)
// scores about 6000 at the sample sizes below, one that favours an index by 10% about 60.
constexpr double kChiSquareBound = 40.0;
// The overlap rate of 2000 batch pairs (p = 17/24): binomial standard error ~0.010; five of them.
constexpr double kOverlapRateTolerance = 0.05;
// The repeat rate of 20000 batches (p = 0.70): binomial standard error ~0.0032; about six of them.
constexpr double kRepeatRateTolerance = 0.02;

}   // namespace

class TestBatchSampler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shuffleVisitsEachExampleOncePerEpoch()
    {
        BatchSampler sampler(10, 3, Sampling::Shuffle, 42);
        QCOMPARE(sampler.epoch(), int64_t(0));
        std::vector<std::vector<int64_t>> orders;
        for (int epoch = 0; epoch < 3; ++epoch) {
            std::vector<int64_t> order;
            const std::vector<int64_t> expectedSizes{3, 3, 3, 1};
            for (size_t b = 0; b < expectedSizes.size(); ++b) {
                const at::Tensor batch = sampler.next();
                QCOMPARE(batch.scalar_type(), at::kLong);
                QCOMPARE(batch.dim(), int64_t(1));
                QCOMPARE(batch.size(0), expectedSizes[b]);
                const auto v = toVector(batch);
                order.insert(order.end(), v.begin(), v.end());
                // Mid-epoch the counter still shows the completed epochs.
                if (b + 1 < expectedSizes.size())
                    QCOMPARE(sampler.epoch(), int64_t(epoch));
            }
            // The epoch is complete once its last batch has been drawn.
            QCOMPARE(sampler.epoch(), int64_t(epoch + 1));
            std::vector<int64_t> sorted = order;
            std::sort(sorted.begin(), sorted.end());
            std::vector<int64_t> all(10);
            std::iota(all.begin(), all.end(), int64_t{0});
            QCOMPARE(sorted, all);
            orders.push_back(order);
        }
        // Each epoch is reshuffled (10! orders: equal orders by chance are practically impossible).
        QVERIFY(orders[0] != orders[1]);
        QVERIFY(orders[1] != orders[2]);
        QVERIFY(orders[0] != orders[2]);
        // ...and the first one is shuffled, not the identity.
        std::vector<int64_t> identity(10);
        std::iota(identity.begin(), identity.end(), int64_t{0});
        QVERIFY(orders[0] != identity);
    }

    void shuffleWithBatchLargerThanN()
    {
        // The batch size is capped at n: every batch is a full permutation.
        BatchSampler sampler(4, 9, Sampling::Shuffle, 1);
        for (int epoch = 0; epoch < 3; ++epoch) {
            auto v = toVector(sampler.next());
            std::sort(v.begin(), v.end());
            QCOMPARE(v, (std::vector<int64_t>{0, 1, 2, 3}));
            QCOMPARE(sampler.epoch(), int64_t(epoch + 1));
        }
    }

    void subsetDrawsDistinctUniformIndices()
    {
        constexpr int64_t n = 10, B = 3;
        constexpr int kSteps = 20000;
        BatchSampler sampler(n, B, Sampling::Subset, 7);
        std::vector<int64_t> counts(n, 0);
        std::vector<int64_t> firstSlot(n, 0);   // the first position is uniform too
        for (int step = 0; step < kSteps; ++step) {
            const auto v = toVector(sampler.next());
            QCOMPARE(static_cast<int64_t>(v.size()), B);
            QCOMPARE(static_cast<int64_t>(std::set<int64_t>(v.begin(), v.end()).size()), B);
            for (int64_t i : v) {
                QVERIFY(i >= 0 && i < n);
                ++counts[i];
            }
            ++firstSlot[v[0]];
        }
        const double chi2 = chiSquare(counts, double(kSteps) * B / n);
        const double chi2First = chiSquare(firstSlot, double(kSteps) / n);
        qDebug("subset sampling: chi2 of index counts %.2f, of first slot %.2f (bound %.0f)", chi2, chi2First,
               kChiSquareBound);
        QVERIFY2(chi2 < kChiSquareBound, QByteArray::number(chi2));
        QVERIFY2(chi2First < kChiSquareBound, QByteArray::number(chi2First));
        // Completed passes = examples drawn / n.
        QCOMPARE(sampler.epoch(), int64_t(kSteps) * B / n);
    }

    void subsetIsIndependentAcrossSteps()
    {
        // Unlike Shuffle, consecutive subsets overlap: with n = 10, B = 3 the chance that
        // two consecutive batches share an index is 1 - C(7,3)/C(10,3) = 17/24.
        BatchSampler sampler(10, 3, Sampling::Subset, 3);
        int overlaps = 0;
        constexpr int kPairs = 2000;
        auto previous = toVector(sampler.next());
        for (int i = 0; i < kPairs; ++i) {
            const auto current = toVector(sampler.next());
            bool shared = false;
            for (int64_t a : current)
                shared = shared || std::find(previous.begin(), previous.end(), a) != previous.end();
            overlaps += shared ? 1 : 0;
            previous = current;
        }
        const double rate = double(overlaps) / kPairs;
        MS_COMPARE_NEAR(rate, 17.0 / 24.0, kOverlapRateTolerance);
    }

    void replacementCanRepeat()
    {
        constexpr int64_t n = 10, B = 5;
        constexpr int kSteps = 20000;
        BatchSampler sampler(n, B, Sampling::Replacement, 11);
        int batchesWithRepeat = 0;
        std::vector<int64_t> counts(n, 0);
        for (int step = 0; step < kSteps; ++step) {
            const auto v = toVector(sampler.next());
            QCOMPARE(static_cast<int64_t>(v.size()), B);
            for (int64_t i : v) {
                QVERIFY(i >= 0 && i < n);
                ++counts[i];
            }
            if (std::set<int64_t>(v.begin(), v.end()).size() < v.size())
                ++batchesWithRepeat;
        }
        // P(no repeat in a batch) = 10*9*8*7*6 / 10^5 = 0.3024, so ~70% of batches repeat.
        const double repeatRate = double(batchesWithRepeat) / kSteps;
        MS_COMPARE_NEAR(repeatRate, 1 - 0.3024, kRepeatRateTolerance);
        const double chi2 = chiSquare(counts, double(kSteps) * B / n);
        QVERIFY2(chi2 < kChiSquareBound, QByteArray::number(chi2));
        QCOMPARE(sampler.epoch(), int64_t(kSteps) * B / n);
    }

    void seedDeterminesTheSequence()
    {
        for (Sampling s : {Sampling::Shuffle, Sampling::Subset, Sampling::Replacement}) {
            BatchSampler a(50, 7, s, 123);
            BatchSampler b(50, 7, s, 123);
            BatchSampler c(50, 7, s, 124);
            const auto va = draw(a, 40);
            QCOMPARE(va, draw(b, 40));
            QVERIFY2(va != draw(c, 40), toString(s));
        }
    }
};

MINIMASCOPE_TEST_APPLESS(TestBatchSampler)
#include "TestBatchSampler.moc"
