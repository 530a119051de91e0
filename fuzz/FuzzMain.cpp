// libFuzzer's entry point for one target of FuzzTargets.h, chosen at build time
// (MINIMASCOPE_FUZZ_TARGET, its name); built only with MINIMASCOPE_FUZZ=ON and clang.
#include "FuzzTargets.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const auto run = minimascope::fuzz::fuzzTarget(MINIMASCOPE_FUZZ_TARGET).run;
    return run(data, size);
}
