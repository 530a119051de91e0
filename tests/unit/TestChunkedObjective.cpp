// The chunked visit of the objective that the curvature products share (ChunkedObjective.h):
// the chunks cover the data in order, in eval mode with grad mode on, both restored after; a
// cancel request stops it before the next chunk; the flat gradient is the per-parameter
// gradients laid out in slice order, zeros where the scalar does not reach.
#include "analysis/ChunkedObjective.h"
#include "common/CancelToken.h"
#include "data/SyntheticDatasets.h"
#include "models/FlatParameters.h"
#include "oracle/DenseCurvature.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>

#include <QTest>

#include <memory>
#include <vector>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// A tiny double-precision MLP on 7 blobs: chunks of 3 are 3 + 3 + 1 examples.
struct Setup {
    Dataset data = toDouble(makeBlobs(7, 3, 1.0, 3));
    std::shared_ptr<Mlp> mlp = tinyMlp(2, {4}, 3, Activation::Tanh);
    FlatParameters flat{*mlp};
};

}   // namespace

class TestChunkedObjective : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void chunksCoverTheDataInOrder()
    {
        Setup s;
        ChunkedObjective objective(*s.mlp, s.flat, s.data, nullptr, /*chunk=*/3);
        s.mlp->train();
        at::NoGradGuard noGrad;
        std::vector<int64_t> sizes;
        std::vector<at::Tensor> inputs, targets;
        const bool finished = objective.forEachChunk([&](const at::Tensor& x, const at::Tensor& y) {
            QVERIFY(!s.mlp->is_training());
            QVERIFY(at::GradMode::is_enabled());
            sizes.push_back(x.size(0));
            inputs.push_back(x);
            targets.push_back(y);
        });
        QVERIFY(finished);
        QCOMPARE(sizes, (std::vector<int64_t>{3, 3, 1}));
        QVERIFY(at::equal(at::cat(inputs), s.data.inputs));
        QVERIFY(at::equal(at::cat(targets), s.data.targets));
        QVERIFY(s.mlp->is_training());
        QVERIFY(!at::GradMode::is_enabled());
    }

    void cancelStopsBeforeTheNextChunk()
    {
        Setup s;
        CancelToken cancel;
        ChunkedObjective objective(*s.mlp, s.flat, s.data, &cancel, /*chunk=*/3);
        int visited = 0;
        const bool finished = objective.forEachChunk([&](const at::Tensor&, const at::Tensor&) {
            ++visited;
            cancel.requestCancel();
        });
        QVERIFY(!finished);
        QVERIFY(objective.cancelled());
        QCOMPARE(visited, 1);
    }

    void flatGradientIsInSliceOrderWithZerosWhereUnreached()
    {
        Setup s;
        ChunkedObjective objective(*s.mlp, s.flat, s.data, nullptr, /*chunk=*/3);
        const std::vector<at::Tensor>& tensors = objective.parameterTensors();
        QCOMPARE(tensors.size(), s.flat.slices().size());
        at::AutoGradMode grad(true);
        // d/dtheta of |theta|^2 / 2 is theta itself, exactly (only scalings by powers of two).
        at::Tensor halfSquare = at::zeros({}, s.flat.values().options());
        for (const at::Tensor& p : tensors)
            halfSquare = halfSquare + p.pow(2).sum() / 2.0;
        QVERIFY(at::equal(objective.flatGradient(halfSquare), s.flat.values()));
        // Only the first layer's weights reached: the rest of the vector is zero.
        const at::Tensor first = objective.flatGradient(tensors.front().sum());
        const int64_t reached = s.flat.slices().front().numel;
        const int64_t rest = s.flat.size() - reached;
        QVERIFY(at::equal(first.narrow(0, 0, reached), at::ones({reached}, first.options())));
        QVERIFY(at::equal(first.narrow(0, reached, rest), at::zeros({rest}, first.options())));
    }
};

MINIMASCOPE_TEST_APPLESS(TestChunkedObjective)
#include "TestChunkedObjective.moc"
