#pragma once
// Progress of work counted in units (directions scanned, points sampled): `done` of `total`.
#include <cstdint>
#include <functional>

namespace minimascope::core {

using CountProgress = std::function<void(int64_t done, int64_t total)>;

}   // namespace minimascope::core
