#include "data/Dataset.h"

namespace minimascope::core {

int64_t Dataset::outputCount() const
{
    switch (task) {
    case Task::Classification: return numClasses;
    case Task::Regression: return targets.dim() > 1 ? targets.size(1) : 1;
    case Task::DirectLoss: return 1;
    }
    return 0;
}

}   // namespace minimascope::core
