#pragma once
// MPI for `atslab explore --mpi` (sim/explore_bfs.h): the only code that includes mpi.h is
// explore_mpi.cc, linked into the atslab binary only; a build without MPI links
// explore_mpi_absent.cc instead, whose session refuses with a one-line error.
#include <memory>

#include "sim/explore_bfs.h"

namespace atslab::sim {

// Whether this atslab was built with MPI.
bool mpi_built();

// MPI from construction (MPI_Init) to destruction (MPI_Finalize). Started by mpirun, every process
// is a rank of one job; started alone, it is the only rank.
class MpiSession {
 public:
  MpiSession();  // throws InputError when built without MPI
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  Exchange& exchange() { return *ex_; }
  // Ends every rank of the job with `status`: one rank's failure would otherwise leave the others
  // waiting in a collective forever.
  [[noreturn]] void abort(int status);
  // Ends this rank after an interrupt, its output flushed, without MPI_Finalize. A signal to mpirun
  // (Ctrl-C, `timeout`, a batch system) starts Open MPI's kill sequence: SIGCONT, a sleep of
  // odls_base_sigkill_timeout (1 s), SIGTERM, the same sleep, SIGKILL. During those sleeps mpirun's
  // PMIx server answers nobody, so a rank's MPI_Finalize (PMIx_Finalize's fence) waits for the
  // SIGKILL, and whatever stdio still held was lost with it (rank 0's document, cut).
  [[noreturn]] void exit_interrupted(int status);

 private:
  std::unique_ptr<Exchange> ex_;
};

}  // namespace atslab::sim
