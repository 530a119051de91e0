#pragma once
// Memory a run will need, estimated from its config before anything is allocated, so that an
// impossible config (model.widths = [65536, 65536], n = 2^31, a 65,536-channel ResNet) is refused
// with the numbers instead of growing the process until the kernel kills it or bad_alloc ends it.
// The estimate is a lower bound of what the run allocates: the data set, and the parameters with
// their gradient, optimizer state and the curvature engine's vectors, and the activations of a
// training batch. Thread-safe (reads /proc/meminfo).
#include "train/RunConfig.h"

#include <cstdint>
#include <string>

namespace minimascope::core {

struct RunMemoryEstimate {
    int64_t dataBytes = 0;
    int64_t parameters = 0;        // of the model
    int64_t parameterBytes = 0;    // parameters and everything sized like them
    int64_t activationBytes = 0;   // one forward and backward pass of the largest batch
    int64_t total() const { return dataBytes + parameterBytes + activationBytes; }
};

RunMemoryEstimate estimateRunMemory(const RunConfig& config);

// MemAvailable of /proc/meminfo in bytes; -1 when it cannot be read.
int64_t availableMemoryBytes();

// Throws InputError ("the run needs about 34.4 GB (...), 22.1 GB are available") when the estimate
// exceeds the available memory. A TorchScript model or array data of unknown size count as small.
void requireRunFitsInMemory(const RunConfig& config);

// What every trainer of a run starts from: the memory check above, then the run's data.
DatasetPair loadRunDatasets(const RunConfig& config);

}   // namespace minimascope::core
