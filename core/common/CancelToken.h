#pragma once
// A cancel request shared between the thread that asks (GUI, CLI signal handler) and the
// thread that works. Long loops check it once per step; it is an atomic flag, never a
// queued call, so a busy worker sees it at once. Thread-safe; lock-free.
#include <atomic>

namespace minimascope::core {

class CancelToken {
public:
    void requestCancel() noexcept { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const noexcept { return m_cancelled.load(std::memory_order_relaxed); }
    void reset() noexcept { m_cancelled.store(false, std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

}   // namespace minimascope::core
