#include "analysis/StabilityBounds.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace minimascope::core {

namespace {

void checkEta(double eta)
{
    if (!(eta > 0))
        throw std::invalid_argument("the stability bounds need eta > 0");
}

}   // namespace

const char* toString(BatchDraw draw)
{
    return draw == BatchDraw::WithReplacement ? "with replacement" : "without replacement";
}

double sharpnessBound(double eta)
{
    checkEta(eta);
    return 2.0 / eta;
}

double noiseFactor(int64_t batchSize, int64_t n, BatchDraw draw)
{
    if (batchSize < 1 || batchSize > n)
        throw std::invalid_argument("the stability bounds need 1 <= B <= n");
    const auto b = static_cast<double>(batchSize);
    if (draw == BatchDraw::WithReplacement)
        return 1.0 / b;
    // B = n is checked first: for n = 1 the formula would be 0 / 0.
    if (batchSize == n)
        return 0.0;
    const auto m = static_cast<double>(n);
    return (m - b) / (b * (m - 1.0));
}

double nonUniformityBound(double eta, int64_t batchSize, int64_t n, BatchDraw draw)
{
    checkEta(eta);
    const double c = noiseFactor(batchSize, n, draw);
    return c > 0 ? 1.0 / (eta * std::sqrt(c)) : std::numeric_limits<double>::infinity();
}

}   // namespace minimascope::core
