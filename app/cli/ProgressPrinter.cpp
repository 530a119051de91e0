#include "ProgressPrinter.h"

#include <unistd.h>

#include <cmath>
#include <string>

namespace minimascope::cli {

namespace {

bool g_verbose = false;

std::string formatSeconds(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "?";
    char text[32];
    if (seconds < 60)
        std::snprintf(text, sizeof text, "%.1fs", seconds);
    else if (seconds < 3600)
        std::snprintf(text, sizeof text, "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
    else
        std::snprintf(text, sizeof text, "%dh%02dm", static_cast<int>(seconds) / 3600,
                      static_cast<int>(seconds) / 60 % 60);
    return text;
}

std::string metrics(const core::TrainProgress& p)
{
    char text[160];
    const core::MetricsRow& e = p.lastEvaluation;
    int used = std::snprintf(text, sizeof text, "loss %.4g", e.trainLoss);
    if (!std::isnan(e.trainAccuracy))
        used += std::snprintf(text + used, sizeof text - used, " acc %.1f%%", 100.0 * e.trainAccuracy);
    if (!std::isnan(e.testAccuracy))
        std::snprintf(text + used, sizeof text - used, " test %.1f%%", 100.0 * e.testAccuracy);
    return text;
}

} // namespace

ProgressPrinter::ProgressPrinter(std::FILE* stream)
    : m_stream(stream), m_terminal(isatty(fileno(stream)) == 1)
{
}

void ProgressPrinter::setVerbose(bool verbose)
{
    g_verbose = verbose;
}

void ProgressPrinter::update(const core::TrainProgress& p)
{
    const double fraction = p.maxIterations > 0
                                ? std::min(1.0, static_cast<double>(p.iteration) / static_cast<double>(p.maxIterations))
                                : 1.0;
    const bool last = p.maxIterations > 0 && p.iteration >= p.maxIterations;
    if (m_terminal) {
        if (p.seconds - m_lastDrawSeconds < 0.1 && !last)
            return;
        m_lastDrawSeconds = p.seconds;
        constexpr int kWidth = 24;
        const int filled = static_cast<int>(fraction * kWidth);
        std::fprintf(m_stream, "\r[%s%s] %3d%% it %lld/%lld  %s  %s ETA %s\x1b[K",
                     std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                     static_cast<int>(100 * fraction), static_cast<long long>(p.iteration),
                     static_cast<long long>(p.maxIterations), metrics(p).c_str(),
                     formatSeconds(p.seconds).c_str(), formatSeconds(p.etaSeconds).c_str());
        m_barShown = true;
    } else if (p.seconds - m_lastLineSeconds >= (g_verbose ? 0.5 : 2.0)) {
        std::fprintf(m_stream, "iteration %lld/%lld  %s  elapsed %s  eta %s\n",
                     static_cast<long long>(p.iteration), static_cast<long long>(p.maxIterations),
                     metrics(p).c_str(), formatSeconds(p.seconds).c_str(), formatSeconds(p.etaSeconds).c_str());
        m_lastLineSeconds = p.seconds;
    }
    std::fflush(m_stream);
}

void ProgressPrinter::finish()
{
    if (m_barShown)
        std::fputc('\n', m_stream);
    m_barShown = false;
}

} // namespace minimascope::cli
