#include "ProgressPrinter.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
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

}   // namespace

ProgressPrinter::ProgressPrinter(std::FILE* stream) : m_stream(stream), m_terminal(isatty(fileno(stream)) == 1) { }

void ProgressPrinter::setVerbose(bool verbose) { g_verbose = verbose; }

void ProgressPrinter::update(const core::Progress& p, const std::string& note)
{
    const double fraction = p.total > 0 ? std::min(1.0, static_cast<double>(p.done) / static_cast<double>(p.total))
                                        : 1.0;
    const bool last = p.total > 0 && p.done >= p.total;
    const std::string label = p.quantity.empty() ? p.what : p.quantity + " " + p.what;
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    if (m_terminal) {
        if (now - m_lastDrawSeconds < 0.1 && !last)
            return;
        m_lastDrawSeconds = now;
        constexpr int kWidth = 24;
        const int filled = static_cast<int>(fraction * kWidth);
        std::fprintf(m_stream, "\r[%s%s] %3d%% %s %lld/%lld  %s  %s ETA %s\x1b[K", std::string(filled, '#').c_str(),
                     std::string(kWidth - filled, '.').c_str(), static_cast<int>(100 * fraction), label.c_str(),
                     static_cast<long long>(p.done), static_cast<long long>(p.total), note.c_str(),
                     formatSeconds(p.seconds).c_str(), formatSeconds(p.etaSeconds).c_str());
        m_barShown = true;
    } else if (now - m_lastLineSeconds >= (g_verbose ? 0.5 : 2.0) || last) {
        std::fprintf(m_stream, "%s %lld/%lld  %s  elapsed %s  eta %s\n", label.c_str(), static_cast<long long>(p.done),
                     static_cast<long long>(p.total), note.c_str(), formatSeconds(p.seconds).c_str(),
                     formatSeconds(p.etaSeconds).c_str());
        m_lastLineSeconds = now;
    }
    std::fflush(m_stream);
}

core::ProgressSink ProgressPrinter::sink()
{
    return [this](const core::Progress& p) { update(p); };
}

void ProgressPrinter::finish()
{
    if (m_barShown)
        std::fputc('\n', m_stream);
    m_barShown = false;
}

}   // namespace minimascope::cli
