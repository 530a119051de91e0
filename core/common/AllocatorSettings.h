#pragma once
// Process set-up for programs that run the core library (call first thing in main()): glibc's
// malloc keeps freed blocks of up to 32 MB for reuse instead of handing them back to the system.
//
// Why: every training step and curvature product allocates and frees the same tensors again and
// again (1-30 MB each). By default glibc serves such blocks with mmap (or trims its heap) and
// returns them on free, so the next allocation faults every page in afresh; on the virtual
// machines this runs on a page fault costs microseconds, and an H product of the canonical MLP
// spent ~12% of its time in the kernel's fault handler, a 3x3 convolution of 64 images up to 20x
// its arithmetic (docs/benchmarks.md). The price: up to kTrimThreshold of freed memory stays
// with the process. Blocks above 32 MB (glibc's largest mmap threshold) are still returned.
#include <malloc.h>

namespace minimascope::core {

inline void keepFreedMemoryForReuse()
{
    constexpr int kMmapThreshold = 32 << 20;    // glibc's maximum
    constexpr int kTrimThreshold = 512 << 20;   // free heap kept before trimming
    constexpr int kTopPad = 64 << 20;           // heap growth step
    mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
    mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
    mallopt(M_TOP_PAD, kTopPad);
}

}   // namespace minimascope::core
