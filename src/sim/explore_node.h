#pragma once
// A point of the exhaustive search, shared by its two engines: the depth-first one of one process
// (sim/explore.cc) and the breadth-first one distributed over ranks (sim/explore_bfs.cc).
#include <cstdint>
#include <vector>

#include "check/history_cursor.h"
#include "io/scenario.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/preempt.h"
#include "policy/ats_variant.h"
#include "sim/ops.h"
#include "linux/system.h"

namespace atslab::sim {

// The machine, what the workload runner keeps beside it, and what the history checks have read
// of the path to it (so that its record can be dropped once checked).
struct Node {
  System s;
  OpContext ctx;
  check::HistoryCursor seen;
};

// The workload runner's names and counters, hashed (no text formatting: this runs for every
// state generated).
uint64_t context_hash(const OpContext& c);

// The identity of a state for deduplication: the whole System and the runner's context.
uint64_t node_hash(const Node& n);
// The same from the two hashes it combines: state_hash(n.s) and context_hash(n.ctx).
uint64_t node_hash(uint64_t state, uint64_t context);

// The parts of the record no check reads again once the state has been checked: dmesg lines
// (never read by the model), WARNs (check_history reads only those after the parent's) and
// events (the node's cursor carries the context the next window needs). Every child copies its
// parent, record included; a record that kept growing along the path made each copy and each
// check cost more. KASAN reports stay: the model reports only the first.
void forget_read_history(Node& n);

// This thread's CPU time: on a shared machine the wall clock also counts other processes.
double thread_cpu_seconds();

// Where an operation passed an interleaving point, and what it held there.
struct PointVisit {
  kernel::PreemptPoint at{};
  uint32_t nth = 0;
  std::vector<kernel::HeldLock> held;
};
// What a plain run of an operation showed: the locks it took, the points it passed (the first
// two of each kind) and what it held there. The nestings tried from a state are built from it.
struct Observed {
  std::vector<kernel::HeldLock> taken;
  std::vector<PointVisit> points;
};

// Runs `op` on `child` (already a copy of its parent), observing it when `seen` is given, then
// ends the RCU grace period the search lets pass between transitions. Both engines' step.
void run_observed(Node& child, const Op& op, Observed* seen);

// Where every search and every replay of a counterexample starts: boot, then the prefix.
Node start_state(const io::Scenario& sc, policy::AtsVariant v, const std::vector<Op>& prefix);

}  // namespace atslab::sim
