#pragma once
// The one progress record of long work (eigen-solvers, trace and density estimates, surfaces, scans, training) and
// the sink it goes to. Work calls its sink on its own thread, between units of work, so a sink must be quick (a GUI
// worker turns the record into a queued signal); the rate is the work's own (its header says it).
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>

namespace minimascope::core {

struct Progress {
    std::string what;   // the unit counted, as shown to users: "step", "iteration", "points", "directions"
    int64_t done = 0;
    int64_t total = 0;          // may be an upper bound (a solver's step cap: it usually converges sooner)
    double seconds = 0.0;       // wall time since the work started
    double etaSeconds = -1.0;   // wall time to go; negative when unknown
    std::string quantity;       // what is computed, when the work computes several in turn ("sharpness", "trace")
    // The work's current estimate of what it measures: a solver's eigenvalue or trace, an epsilon-sharpness, the
    // trainer's last mini-batch loss; NaN when it has none (yet).
    double estimate = std::numeric_limits<double>::quiet_NaN();
};

using ProgressSink = std::function<void(const Progress&)>;

// The records of one piece of work that goes at a steady pace (a product, a point, a direction at a time): each is
// stamped with the seconds since the clock was made and the ETA that pace gives.
class ProgressClock {
public:
    explicit ProgressClock(std::string what) : m_what(std::move(what)) { }

    // The record of `done` of `total` units, now.
    Progress at(int64_t done, int64_t total, double estimate = std::numeric_limits<double>::quiet_NaN()) const
    {
        Progress p;
        p.what = m_what;
        p.done = done;
        p.total = total;
        p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        // Unknown before the first unit: nothing to extrapolate from.
        p.etaSeconds = done > 0 && total >= done
                           ? p.seconds * static_cast<double>(total - done) / static_cast<double>(done)
                           : -1.0;
        p.estimate = estimate;
        return p;
    }

private:
    std::string m_what;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

}   // namespace minimascope::core
