#include "ProgressPrinter.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

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
        used += std::snprintf(text + used, sizeof text - used, " test %.1f%%", 100.0 * e.testAccuracy);
    if (!std::isnan(e.gradientNorm))
        std::snprintf(text + used, sizeof text - used, " |grad| %.3g", e.gradientNorm);
    return text;
}

}   // namespace

ProgressPrinter::ProgressPrinter(std::FILE* stream) : m_stream(stream), m_terminal(isatty(fileno(stream)) == 1) { }

void ProgressPrinter::setVerbose(bool verbose) { g_verbose = verbose; }

void ProgressPrinter::update(const WorkProgress& p)
{
    const double fraction = p.total > 0 ? std::min(1.0, static_cast<double>(p.done) / static_cast<double>(p.total))
                                        : 1.0;
    const bool last = p.total > 0 && p.done >= p.total;
    if (m_terminal) {
        if (p.seconds - m_lastDrawSeconds < 0.1 && !last)
            return;
        m_lastDrawSeconds = p.seconds;
        constexpr int kWidth = 24;
        const int filled = static_cast<int>(fraction * kWidth);
        std::fprintf(m_stream, "\r[%s%s] %3d%% %s %lld/%lld  %s  %s ETA %s\x1b[K", std::string(filled, '#').c_str(),
                     std::string(kWidth - filled, '.').c_str(), static_cast<int>(100 * fraction), p.what.c_str(),
                     static_cast<long long>(p.done), static_cast<long long>(p.total), p.detail.c_str(),
                     formatSeconds(p.seconds).c_str(), formatSeconds(p.etaSeconds).c_str());
        m_barShown = true;
    } else if (p.seconds - m_lastLineSeconds >= (g_verbose ? 0.5 : 2.0) || last) {
        std::fprintf(m_stream, "%s %lld/%lld  %s  elapsed %s  eta %s\n", p.what.c_str(), static_cast<long long>(p.done),
                     static_cast<long long>(p.total), p.detail.c_str(), formatSeconds(p.seconds).c_str(),
                     formatSeconds(p.etaSeconds).c_str());
        m_lastLineSeconds = p.seconds;
    }
    std::fflush(m_stream);
}

void ProgressPrinter::update(const core::TrainProgress& p)
{
    update(WorkProgress{"iteration", p.iteration, p.maxIterations, p.seconds, p.etaSeconds, metrics(p)});
}

double ProgressPrinter::steadyEta(int64_t done, int64_t total, double seconds)
{
    return done > 0 && total >= done ? seconds * static_cast<double>(total - done) / static_cast<double>(done) : -1.0;
}

core::CountProgress ProgressPrinter::countingSink(std::string what)
{
    const auto start = std::chrono::steady_clock::now();
    return [this, what = std::move(what), start](int64_t done, int64_t total) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        update(WorkProgress{what, done, total, seconds, steadyEta(done, total, seconds), {}});
    };
}

void ProgressPrinter::finish()
{
    if (m_barShown)
        std::fputc('\n', m_stream);
    m_barShown = false;
}

}   // namespace minimascope::cli
