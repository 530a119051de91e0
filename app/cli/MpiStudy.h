#pragma once
// A study across the ranks of an MPI job (`mpirun -np N minimascope-cli study run ...`): rank 0
// owns the store and runs core::runStudy with slots on every rank, handing each run to a free
// slot as one ends (a slow run never idles the others); every rank runs what it is given as
// child processes, exactly as the local runner does, so the store holds the same results. The
// study folder must be on a file system every rank sees. Without MPI in the build it throws the
// InputError of MpiSession (Mpi.h).
#include "common/RunStatus.h"
#include "study/StudyRunner.h"

namespace minimascope::cli {

// Every rank calls it with the same arguments and learns its rank; rank 0 reports progress.
// `options.workers` is the runs at once on each rank (default 1).
core::RunStatus runStudyMpi(const core::StudyConfig& study, const std::string& dir, core::StudyRunnerOptions options,
                            const core::CancelToken& cancel,
                            const std::function<void(const core::StudyProgress&)>& progress, int& rank);

}   // namespace minimascope::cli
