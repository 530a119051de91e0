#include "MpiStudy.h"

#include "Mpi.h"

#include "common/CancelToken.h"
#include "study/RunSlots.h"

#include <cstdlib>
#include <string>

#ifdef MINIMASCOPE_HAVE_MPI
#include <mpi.h>

#include <chrono>
#include <thread>
#include <vector>
#endif

namespace minimascope::cli {

#ifdef MINIMASCOPE_HAVE_MPI

namespace {

enum Tag { kRun = 1, kDone = 2, kStop = 3, kQuit = 4 };
constexpr auto kPollInterval = std::chrono::milliseconds(20);

void sendText(int rank, Tag tag, const std::string& text)
{
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, rank, tag, MPI_COMM_WORLD);
}

// A message waiting from `source` (MPI_ANY_SOURCE for any) with `tag` (MPI_ANY_TAG for any).
bool receiveText(int source, int tag, std::string& text, MPI_Status& status)
{
    int waiting = 0;
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &waiting, &status);
    if (!waiting)
        return false;
    int size = 0;
    MPI_Get_count(&status, MPI_CHAR, &size);
    text.assign(static_cast<size_t>(size), '\0');
    MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return true;
}

// Rank 0's slots: its own child processes plus `workers` slots on every other rank.
class MpiRunSlots : public core::RunSlots {
public:
    MpiRunSlots(int ranks, int workers, const std::string& executable)
        : m_local(core::localRunSlots(workers, executable)), m_busy(static_cast<size_t>(ranks), 0), m_workers(workers)
    {
    }

    int capacity() const override { return m_workers * static_cast<int>(m_busy.size()); }

    void start(const std::string& runDir) override
    {
        // Rank 0 first, then the least busy other rank.
        size_t rank = 0;
        for (size_t r = 0; r < m_busy.size(); ++r)
            if (m_busy[r] < m_busy[rank])
                rank = r;
        ++m_busy[rank];
        if (rank == 0)
            m_local->start(runDir);
        else
            sendText(static_cast<int>(rank), kRun, runDir);
    }

    bool poll(std::string& runDir, int& waitStatus) override
    {
        if (m_local->poll(runDir, waitStatus)) {
            --m_busy[0];
            return true;
        }
        std::string text;
        MPI_Status status;
        if (!receiveText(MPI_ANY_SOURCE, kDone, text, status))
            return false;
        const size_t space = text.find(' ');
        waitStatus = std::atoi(text.substr(0, space).c_str());
        runDir = text.substr(space + 1);
        --m_busy[static_cast<size_t>(status.MPI_SOURCE)];
        return true;
    }

    void stopAll() override
    {
        m_local->stopAll();
        for (size_t rank = 1; rank < m_busy.size(); ++rank)
            sendText(static_cast<int>(rank), kStop, "");
        std::fill(m_busy.begin(), m_busy.end(), 0);
    }

private:
    std::unique_ptr<core::RunSlots> m_local;
    std::vector<int> m_busy;   // runs in flight per rank
    int m_workers;
};

// What every rank but 0 does: run what rank 0 sends until it says quit.
void serveRuns(int workers, const std::string& executable)
{
    const std::unique_ptr<core::RunSlots> local = core::localRunSlots(workers, executable);
    while (true) {
        std::string text;
        MPI_Status status;
        while (receiveText(0, MPI_ANY_TAG, text, status)) {
            if (status.MPI_TAG == kRun)
                local->start(text);
            else if (status.MPI_TAG == kStop)
                local->stopAll();
            else if (status.MPI_TAG == kQuit) {
                local->stopAll();
                return;
            }
        }
        std::string runDir;
        int waitStatus = 0;
        while (local->poll(runDir, waitStatus))
            sendText(0, kDone, std::to_string(waitStatus) + " " + runDir);
        std::this_thread::sleep_for(kPollInterval);
    }
}

}   // namespace

core::RunStatus runStudyMpi(const core::StudyConfig& study, const std::string& dir, core::StudyRunnerOptions options,
                            const core::CancelToken& cancel,
                            const std::function<void(const core::StudyProgress&)>& progress, int& rank)
{
    const MpiSession session("a study");
    rank = session.rank();
    const int ranks = session.ranks();
    if (options.workers <= 0)
        options.workers = 1;
    if (options.threadsPerWorker <= 0)
        options.threadsPerWorker = 1;
    if (options.executable.empty())
        options.executable = core::selfExecutable();
    if (rank != 0) {
        serveRuns(options.workers, options.executable);
        return core::RunStatus::Finished;
    }
    MpiRunSlots slots(ranks, options.workers, options.executable);
    options.slots = &slots;
    const auto quitOthers = [ranks] {
        for (int other = 1; other < ranks; ++other)
            sendText(other, kQuit, "");
    };
    try {
        const core::RunStatus status = core::runStudy(study, dir, options, cancel, progress);
        quitOthers();
        return status;
    } catch (...) {
        quitOthers();
        throw;
    }
}

#else

core::RunStatus runStudyMpi(const core::StudyConfig&, const std::string&, core::StudyRunnerOptions,
                            const core::CancelToken&, const std::function<void(const core::StudyProgress&)>&, int&)
{
    const MpiSession unavailable("a study");   // throws: no MPI in this build
    return core::RunStatus::Finished;
}

#endif

}   // namespace minimascope::cli
