#pragma once
// Exhaustive exploration (issue 6): every sequence of workload operations from
// a scenario's booted state, every forced fault, and every operation another
// CPU may run at the interleaving points the locking allows, up to a depth;
// every invariant checked after every transition. States are deduplicated by
// hashing the whole System (design principle 3).
//
// Search: iterative deepening over a depth-first search that remembers, per
// state hash, the largest depth budget it was explored with. The first
// violation found at depth limit L has the shortest possible trace (no trace
// of L-1 operations reaches it), and memory holds one System per level.
#include <csignal>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "check/invariants.h"
#include "io/scenario.h"
#include "linux/kernel/fault_inject.h"
#include "sim/ops.h"

namespace atslab::sim {

struct ExploreOptions {
  unsigned depth = 8;                 // operations per trace (a nested operation counts as one more)
  std::vector<faults::Point> faults;  // points each operation may be run with, forced to fire once
  bool interleave = true;             // nested operations at interleaving points
  // Partial-order reduction (sleep sets, sim/footprint.h): a transition that commutes with one
  // explored before it from the same state is not run again after it. Off by default: its
  // verdicts are the same (scripts/por-verdicts.py), but on the shipped scenarios it does not
  // pay yet (docs/exploration.md, "Partial-order reduction").
  bool por = false;
  // Symmetry reduction (sim/symmetry.h): states that differ only by the numbering of VFIO
  // containers, or by exchanging the names c0 and c1 where the alphabet treats them alike, are
  // one state. On by default: its verdicts are the same (scripts/por-verdicts.py --reduction
  // symmetry) and it pays (docs/performance.md, "Symmetry reduction").
  bool symmetry = true;
  bool all = false;                   // collect the first violation of every invariant instead of stopping
  unsigned max_vfs = 2;               // VFs per PF named in the operation alphabet
  std::vector<OpKind> kinds;          // the operation kinds explored (empty: all)
  size_t prefix = 0;                  // start after the scenario's first `prefix` workload operations
  unsigned shard = 0, shards = 1;     // this process explores shard `shard` of `shards`
  unsigned split_depth = 2;           // the depth at which states are dealt to shards
  bool progress = false;              // a progress line on stderr
  // Set asynchronously (a signal handler stores the signal's number): the search stops at the
  // next transition and returns what it found so far, marked interrupted.
  const volatile std::sig_atomic_t* interrupt = nullptr;
};

struct Counterexample {
  check::Violation violation;
  std::vector<Op> trace;  // from the start state (after the prefix)
};

struct ExploreResult {
  policy::AtsVariant variant{};
  unsigned depth = 0;          // the limit asked for
  unsigned depth_reached = 0;  // the deepest level fully explored
  bool exhausted = false;      // no state within the depth was left unexplored (no stop at a violation)
  bool interrupted = false;    // stopped by ExploreOptions::interrupt (its traces are then not minimised)
  uint64_t transitions = 0;    // operations executed (states generated)
  uint64_t unique = 0;         // distinct states seen
  uint64_t revisits = 0;       // transitions into states already explored with enough depth left
  // Nestings tried and refused: the inner operation needed a lock the outer one held at the point
  // (found when it tried; those the locks of its plain run rule out are not tried at all).
  uint64_t refused_nestings = 0;
  // Partial-order reduction: whether it was on, the transitions it did not run (asleep: each
  // reaches a state another order of the same transitions reaches, with a trace as short), and
  // the states expanded again because they were reached with fewer transitions asleep than
  // when first expanded.
  bool por = false;
  uint64_t por_skipped = 0;
  uint64_t por_reexpanded = 0;
  // Symmetry reduction: whether it was on, and the renamings it used ("containers" for the
  // containers' numbering, "containers c0/c1" with the names' exchange too).
  bool symmetry = false;
  std::string symmetry_group;
  // The tree's SMMUv3 driver (--driver source): its heap is outside the System, so states are
  // reached by re-execution from the root (this many replays), on one CPU (no interleavings).
  bool one_cpu = false;
  uint64_t reexecutions = 0;
  double seconds = 0;
  // The search's CPU time (its thread's): on a shared machine the wall clock also counts the
  // time other processes had the CPU (docs/performance.md, "Whole-process exploration").
  double cpu_seconds = 0;
  unsigned shard = 0, shards = 1;
  // The engine: 0 for the depth-first search (explore()), else the MPI ranks of the breadth-first
  // one (explore_distributed()), whose STATES and revisits count each level once.
  unsigned mpi_ranks = 0;
  std::map<int, Counterexample> found;  // by invariant number, shortest trace first found
  // Every WARN site any transition reached ("function: condition", the function the splat
  // names and its WARN_ON expression), with the first trace that reached it.
  std::map<std::string, std::vector<Op>> warnings;
  std::vector<std::string> alphabet;    // the operations explored, described
  std::vector<Op> prefix;               // the workload operations run before the search started
  std::vector<std::string> non_compliance;  // endpoint behaviour PCIe does not allow, in force from the start
};

// Whether a workload takes the VFIO cdev path (any iommufd operation).
bool uses_iommufd(const std::vector<Op>& workload);
// Whether it opens or closes a group-path device fd (scenarios/group-fd.yaml), which then join the alphabet.
bool uses_group_fds(const std::vector<Op>& workload);
// Whether it writes a sysfs reset_method file (scenarios/reset-method.yaml), which then joins the alphabet.
bool uses_reset_method(const std::vector<Op>& workload);
// Whether it takes VFIO_DEVICE_PCI_HOT_RESET (scenarios/vfio-hot-reset.yaml), which then joins the alphabet.
bool uses_hot_reset(const std::vector<Op>& workload);
// Whether it takes the PASID operations (scenarios/pasid.yaml), which then join the alphabet.
bool uses_pasid(const std::vector<Op>& workload);
bool uses_sva(const std::vector<Op>& workload);
// Whether it gives a guest a vSMMU (scenarios/nested.yaml): the nesting operations then join the alphabet.
bool uses_nesting(const std::vector<Op>& workload);
// Whether it attaches PASIDs through iommufd (scenarios/iommufd-pasid.yaml): those operations join too.
bool uses_iommufd_pasid(const std::vector<Op>& workload);
// The operations explored in every state: plain, then each with a forced fault. The cdev path's
// operations are among them only for a scenario whose workload uses it.
std::vector<Op> explore_alphabet(const io::Scenario& sc, const ExploreOptions& opt);

ExploreResult explore(const io::Scenario& sc, policy::AtsVariant v, const ExploreOptions& opt);

// Replays `trace` from the start state (boot, then `prefix`) and shortens it: steps whose removal
// (or whose fault or nested operation's removal) still reaches a violation of
// `invariant` are dropped, until no single removal does.
std::vector<Op> minimise(const io::Scenario& sc, policy::AtsVariant v, const std::vector<Op>& prefix,
                         std::vector<Op> trace, int invariant);

}  // namespace atslab::sim
