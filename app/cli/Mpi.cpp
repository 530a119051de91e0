#include "Mpi.h"

#include "common/InputError.h"
#include "landscape/LossSurface.h"

#include <ATen/ATen.h>

#include <cstdlib>
#include <string>
#include <vector>

#ifdef MINIMASCOPE_HAVE_MPI
#include <mpi.h>
#endif

namespace minimascope::cli {

bool launchedUnderMpi()
{
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
        if (const char* value = std::getenv(name); value && std::atoi(value) > 1)
            return true;
    return false;
}

#ifdef MINIMASCOPE_HAVE_MPI

MpiSession::MpiSession(const char*)
{
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
        MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m_ranks);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

void shareFromRankZero(const MpiSession&, at::Tensor& values)
{
    if (!values.defined())
        return;
    values = values.contiguous();
    const bool single = values.scalar_type() == at::kFloat;
    if (!single && values.scalar_type() != at::kDouble)
        throw std::invalid_argument("shareFromRankZero: float32 or float64 values only");
    MPI_Bcast(values.data_ptr(), static_cast<int>(values.numel()), single ? MPI_FLOAT : MPI_DOUBLE, 0, MPI_COMM_WORLD);
}

core::RunStatus gatherSurface(const MpiSession& session, core::LandscapeGrid& grid, core::RunStatus status)
{
    const size_t points = grid.loss.size();
    std::vector<double> mine(grid.loss);
    mine.insert(mine.end(), grid.accuracy.begin(), grid.accuracy.end());
    std::vector<double> all(session.rank() == 0 ? mine.size() * static_cast<size_t>(session.ranks()) : 0);
    MPI_Gather(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(), static_cast<int>(mine.size()),
               MPI_DOUBLE, 0, MPI_COMM_WORLD);
    int cancelled = status == core::RunStatus::Cancelled ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &cancelled, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (session.rank() == 0) {
        for (int rank = 1; rank < session.ranks(); ++rank) {
            core::LandscapeGrid shard = grid;
            const auto first = all.begin() + static_cast<std::ptrdiff_t>(mine.size() * static_cast<size_t>(rank));
            shard.loss.assign(first, first + static_cast<std::ptrdiff_t>(points));
            shard.accuracy.assign(first + static_cast<std::ptrdiff_t>(points),
                                  first + static_cast<std::ptrdiff_t>(2 * points));
            core::mergeSurfaceShard(grid, shard, session.ranks(), rank);
        }
    }
    return cancelled ? core::RunStatus::Cancelled : status;
}

#else

MpiSession::MpiSession(const char* what)
{
    throw core::InputError(std::string("this minimascope-cli was built without MPI, so it cannot share ") + what
                           + " among mpirun's ranks: install libopenmpi-dev and openmpi-bin, then build again (CMake "
                             "finds MPI and sets MINIMASCOPE_MPI), or run it without mpirun");
}

MpiSession::~MpiSession() = default;

void shareFromRankZero(const MpiSession&, at::Tensor&) { }

core::RunStatus gatherSurface(const MpiSession&, core::LandscapeGrid&, core::RunStatus status) { return status; }

#endif

}   // namespace minimascope::cli
