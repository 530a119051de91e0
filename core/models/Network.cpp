#include "models/Network.h"

namespace minimascope::core {

int64_t Network::parameterCount() const
{
    int64_t count = 0;
    for (const auto& p : parameters())
        count += p.numel();
    return count;
}

}   // namespace minimascope::core
