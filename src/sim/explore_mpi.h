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

 private:
  std::unique_ptr<Exchange> ex_;
};

}  // namespace atslab::sim
