#include "AppEnvironment.h"

#include <cstdlib>
#include <unistd.h>

namespace minimascope::ui {

void ensurePassiveOpenMp(char** argv)
{
    if (std::getenv("OMP_WAIT_POLICY") != nullptr)
        return;
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);
}

}   // namespace minimascope::ui
