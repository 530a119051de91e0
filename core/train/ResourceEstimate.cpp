#include "train/ResourceEstimate.h"

#include "common/InputError.h"
#include "io/NumberFormat.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace minimascope::core {

namespace {

constexpr int64_t kFloat = 4;
// Sized like the parameters: the parameters, their gradient, two optimizer moments (Adam), the
// flat copy the curvature engine works on, and a few Lanczos vectors.
constexpr int64_t kParameterCopies = 8;
// A forward pass keeps each layer's output; backward adds a gradient of the same size.
constexpr int64_t kActivationCopies = 3;

// Saturating arithmetic: an absurd config must give a huge estimate, never a wrapped small one.
int64_t add(int64_t a, int64_t b)
{
    return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max() : a + b;
}

int64_t mul(int64_t a, int64_t b)
{
    if (a == 0 || b == 0)
        return 0;
    return a > std::numeric_limits<int64_t>::max() / b ? std::numeric_limits<int64_t>::max() : a * b;
}

struct InputShape {
    int64_t features = 0;   // per example
    int64_t channels = 1, height = 1, width = 1;
    int64_t classes = 10;
};

InputShape inputShapeOf(const DatasetSpec& d)
{
    InputShape s;
    if (d.name == "fashion-mnist") {
        s.channels = 1;
        s.height = s.width = 28;   // the IDX sets MinimaScope reads are 28 x 28
        s.features = 784;
        s.classes = 10;
    } else if (d.name == "teacher-student") {
        s.features = d.inputDim;
        s.classes = 1;
    } else if (d.name == "escape-toy") {
        s.features = 1;
        s.classes = 1;
    } else if (d.name == "arrays") {
        s.features = 1;   // unknown until the file's header is read: counted as small
        s.classes = 2;
    } else {
        s.features = 2;   // the 2D toy sets
        s.classes = d.syntheticClasses;
    }
    return s;
}

}   // namespace

RunMemoryEstimate estimateRunMemory(const RunConfig& config)
{
    const InputShape in = inputShapeOf(config.dataset);
    const ModelSpec& m = config.model;
    RunMemoryEstimate e;
    const int64_t examples = add(config.dataset.n, config.dataset.testN);
    e.dataBytes = mul(mul(examples, add(in.features, 2)), kFloat);

    int64_t parameters = 0;
    int64_t activationsPerExample = in.features;   // summed over the layers
    if (m.kind == "mlp") {
        int64_t previous = in.features;
        for (const int64_t width : m.widths) {
            parameters = add(parameters, add(mul(previous, width), width));
            activationsPerExample = add(activationsPerExample, width);
            previous = width;
        }
        parameters = add(parameters, add(mul(previous, in.classes), in.classes));
    } else if (m.kind == "vgg" || m.kind == "resnet") {
        // 3 x 3 convolutions, two per stage (VGG) or per block (ResNet), each stage at the input's
        // resolution or below: the first stage's maps bound the activations.
        int64_t previous = in.channels;
        const int64_t convsPerStage = m.kind == "vgg" ? 2 : mul(2, std::max<int64_t>(1, m.blocksPerStage));
        const int64_t pixels = mul(in.height, in.width);
        for (const int64_t channels : m.widths) {
            parameters = add(parameters, mul(mul(previous, channels), 9));
            parameters = add(parameters, mul(mul(mul(channels, channels), 9), convsPerStage - 1));
            activationsPerExample = add(activationsPerExample, mul(mul(channels, pixels), convsPerStage));
            previous = channels;
        }
        parameters = add(parameters, mul(add(previous, 1), std::max(in.classes, m.hidden)));
    } else if (m.kind == "lenet5") {
        parameters = 61706;   // the classic LeNet-5
        activationsPerExample = 6 * 28 * 28 + 16 * 10 * 10 + 120 + 84 + 10;
    } else {
        parameters = 1;   // escape-toy; a TorchScript module is counted once loaded
    }
    e.parameters = parameters;
    e.parameterBytes = mul(mul(parameters, kFloat), kParameterCopies);
    const int64_t batch = config.optimizer.fullBatch() ? config.dataset.n
                                                       : std::min(config.optimizer.batchSize, config.dataset.n);
    // The training batch only: evaluation and the curvature engines work in bounded chunks.
    e.activationBytes = mul(mul(mul(batch, activationsPerExample), kFloat), kActivationCopies);
    return e;
}

int64_t availableMemoryBytes()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    int64_t value = 0;
    std::string unit;
    while (meminfo >> key >> value >> unit)
        if (key == "MemAvailable:")
            return mul(value, 1024);
    return -1;
}

void requireRunFitsInMemory(const RunConfig& config)
{
    const RunMemoryEstimate e = estimateRunMemory(config);
    const int64_t available = availableMemoryBytes();
    if (available < 0 || e.total() <= available)
        return;
    std::ostringstream message;
    message << "the run needs about " << byteCount(e.total()) << " of memory (data " << byteCount(e.dataBytes) << ", "
            << e.parameters << " parameters with their gradients and solver state " << byteCount(e.parameterBytes)
            << ", activations " << byteCount(e.activationBytes) << "), " << byteCount(available)
            << " are available: make the model (model.widths), the data (dataset.n) or "
            << "the batch smaller";
    throw InputError(message.str());
}

DatasetPair loadRunDatasets(const RunConfig& config)
{
    requireRunFitsInMemory(config);
    return loadDatasets(config.dataset);
}

}   // namespace minimascope::core
