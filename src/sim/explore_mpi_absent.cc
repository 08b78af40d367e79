// A build without MPI (CMake found none): `explore --mpi` refuses, everything else is the same.
#include <cstdlib>

#include "io/input_error.h"
#include "sim/explore_mpi.h"

namespace atslab::sim {

bool mpi_built() { return false; }

MpiSession::MpiSession() {
  throw InputError("explore --mpi: this atslab was built without MPI (install libopenmpi-dev, scripts/setup.sh does, and configure again)");
}

MpiSession::~MpiSession() = default;

void MpiSession::abort(int status) { std::exit(status); }

void MpiSession::exit_interrupted(int status) { std::exit(status); }

}  // namespace atslab::sim
