#pragma once
// The MPI job a launcher started this process in (Open MPI's mpirun, a PMI launcher such as
// MPICH's or Slurm's srun), read from the environment it sets, before MPI_Init: so that under
// mpirun one rank alone speaks (a bad option is refused once, not once per rank), and every
// command but `explore --mpi` refuses to run N copies of itself side by side.
namespace atslab::cli {

struct Launched {
  unsigned rank = 0, size = 1;
};
Launched launched();

// Ranks other than 0 of a job of several: standard output and error go to /dev/null. False when
// they could not be reopened.
bool silence_other_ranks(const Launched& job);

}  // namespace atslab::cli
