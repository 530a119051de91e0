#pragma once
// What the commands that run across the ranks of an MPI job share (`mpirun -np N minimascope-cli
// study run ...` and `... landscape ...`): the session, and the two collective steps of a split
// landscape. Built with MPI when CMake finds it (MINIMASCOPE_HAVE_MPI); without it, a session
// cannot start and says how to get MPI.
#include "common/RunStatus.h"

#include <ATen/core/Tensor.h>

namespace minimascope::core {
struct LandscapeGrid;
}

namespace minimascope::cli {

// True when this process is one of several ranks started by mpirun (Open MPI's or a PMI
// launcher's environment says so); needs no MPI library.
bool launchedUnderMpi();

// MPI_Init on construction (once per process), MPI_Finalize on destruction, however the command
// ends. Throws InputError naming `what` ("a study", "a landscape") and how to get MPI when this
// program was built without it.
class MpiSession {
public:
    explicit MpiSession(const char* what);
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    int rank() const { return m_rank; }
    int ranks() const { return m_ranks; }

private:
    int m_rank = 0;
    int m_ranks = 1;
};

// Rank 0's values of `values` on every rank (the same shape everywhere; float32 or float64),
// so that every rank evaluates exactly rank 0's directions.
void shareFromRankZero(const MpiSession& session, at::Tensor& values);

// Rank r evaluated the points of shard r of ranks() (SurfaceRequest::shardIndex); on rank 0 the
// grid then holds every rank's points. Cancelled if any rank's status was.
core::RunStatus gatherSurface(const MpiSession& session, core::LandscapeGrid& grid, core::RunStatus status);

}   // namespace minimascope::cli
