#pragma once
// A study across the ranks of an MPI job (`mpirun -np N minimascope-cli study run ...`): rank 0
// owns the store and runs core::runStudy with slots on every rank, handing each run to a free
// slot as one ends (a slow run never idles the others); every rank runs what it is given as
// child processes, exactly as the local runner does, so the store holds the same results. The
// study folder must be on a file system every rank sees. Built when MPI is found
// (MINIMASCOPE_HAVE_MPI).
#include "common/RunStatus.h"
#include "study/StudyRunner.h"

namespace minimascope::cli {

// True when this process is one of several ranks started by mpirun (Open MPI's or a PMI
// launcher's environment says so); needs no MPI library.
bool launchedUnderMpi();

#ifdef MINIMASCOPE_HAVE_MPI
// Every rank calls it with the same arguments and learns its rank; rank 0 reports progress.
// `options.workers` is the runs at once on each rank (default 1).
core::RunStatus runStudyMpi(const core::StudyConfig& study, const std::string& dir, core::StudyRunnerOptions options,
                            const core::CancelToken& cancel,
                            const std::function<void(const core::StudyProgress&)>& progress, int& rank);
#endif

} // namespace minimascope::cli
