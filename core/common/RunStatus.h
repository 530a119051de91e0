#pragma once
// How a long computation (training, analysis, a surface) ended.
#include <string>

namespace minimascope::core {

enum class RunStatus { Finished, Cancelled, Diverged, Failed };

inline const char* toString(RunStatus status)
{
    switch (status) {
    case RunStatus::Finished: return "finished";
    case RunStatus::Cancelled: return "cancelled";
    case RunStatus::Diverged: return "diverged";
    case RunStatus::Failed: return "failed";
    }
    return "failed";
}

}   // namespace minimascope::core
