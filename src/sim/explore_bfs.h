#pragma once
// The exhaustive search breadth-first, over ranks that share nothing (issue 19, item 4): the
// parallel Murphi (Stern-Dill) scheme. Every state belongs to one rank, by its hash; a rank
// expands the states it owns one level at a time, sends each successor to its owner in batches,
// and the owner keeps it if it is new (deduplication is global). A state travels as the
// operations that reach it from the start state, not as a System: a path is tens of bytes where
// a System is tens of kilobytes, and re-running a few operations costs less than the expansion
// that follows (every operation of the alphabet, and the nestings).
//
// Its verdicts are the depth-first engine's (sim/explore.h): the same violated invariants with
// the same traces, the same WARN sites, the same unique-state count and depth reached, because
// both pick, among the shortest traces (a nested operation costs two), the first in the order in
// which the depth-first engine tries transitions; see explore_bfs.cc. Counts of work done
// (states, revisits, refused nestings) differ: this engine runs each level once where the other
// deepens iteratively. Not supported: partial-order reduction (sleep sets follow one path),
// shards (the ranks are the shards) and the tree's SMMUv3 driver (its heap is not in the System).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/explore.h"

namespace atslab::sim {

// The collectives the search needs and nothing more: MPI's (sim/explore_mpi.cc), or one rank's
// alone (LocalExchange). Every rank calls each of them, in the same order.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual unsigned rank() const = 0;
  virtual unsigned ranks() const = 0;
  // to[r] goes to rank r; returns what each rank sent to this one, by rank (MPI_Alltoallv).
  virtual std::vector<std::string> all_to_all(const std::vector<std::string>& to) = 0;
  // Every rank's bytes, by rank, on every rank (MPI_Allgatherv).
  virtual std::vector<std::string> all_gather(const std::string& mine) = 0;
  // The element-wise sum over ranks, on every rank (MPI_Allreduce).
  virtual std::vector<uint64_t> sum(std::vector<uint64_t> mine) = 0;
};

// One rank: the breadth-first engine in one process (tests compare it with the depth-first one).
class LocalExchange final : public Exchange {
 public:
  unsigned rank() const override { return 0; }
  unsigned ranks() const override { return 1; }
  std::vector<std::string> all_to_all(const std::vector<std::string>& to) override { return to; }
  std::vector<std::string> all_gather(const std::string& mine) override { return {mine}; }
  std::vector<uint64_t> sum(std::vector<uint64_t> mine) override { return mine; }
};

// Runs the search collectively (every rank calls it with the same arguments). The result is
// complete on rank 0, traces minimised as explore() does; the other ranks return their own
// counts only. Throws InputError for an option it does not support (see above).
ExploreResult explore_distributed(const io::Scenario& sc, policy::AtsVariant v, const ExploreOptions& opt,
                                  Exchange& ex);

}  // namespace atslab::sim
