#include "sim/explore_node.h"

#include <time.h>
#include <xxhash.h>

#include <optional>
#include <string>

#include "linux/smmuv3/rcu.h"
#include "sim/scenario_run.h"
#include "sim/state_hash.h"

namespace atslab::sim {

// A length-prefixed byte string of the names and counters, hashed once.
uint64_t context_hash(const OpContext& c) {
  static thread_local std::string b;  // its capacity is kept: no allocation per state
  b.clear();
  auto put = [](auto v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(c.containers.size());
  for (const auto& [name, id] : c.containers) {
    put(name.size());
    b += name;
    put(id);
  }
  put(c.vfio_groups.size());
  for (const auto& [dev, g] : c.vfio_groups) put(dev), put(g);
  put(c.own_domains.size());
  for (const auto& [dev, d] : c.own_domains) put(dev), put(d);
  put(c.iommufd);
  put(c.hwpts.size());
  for (const auto& [name, id] : c.hwpts) {
    put(name.size());
    b += name;
    put(id);
  }
  // The vIOMMUs by name: the nesting operations name them, so two states that differ only there
  // behave differently.
  put(c.viommus.size());
  for (const auto& [name, id] : c.viommus) {
    put(name.size());
    b += name;
    put(id);
  }
  put(c.next_iova);
  return XXH3_64bits(b.data(), b.size());
}

void forget_read_history(Node& n) {
  n.s.record.log.clear();
  n.s.record.warnings.clear();
  n.s.record.events.clear();
  n.seen.events_dropped();
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

uint64_t node_hash(uint64_t state, uint64_t context) { return state ^ (context * 0x9e3779b97f4a7c15ull); }
uint64_t node_hash(const Node& n) { return node_hash(state_hash(n.s), context_hash(n.ctx)); }

Node start_state(const io::Scenario& sc, policy::AtsVariant v, const std::vector<Op>& prefix) {
  Node n;
  n.s = boot_machine(sc, v, n.ctx, sc.seed, "");
  for (const Op& op : prefix) {
    run_op(n.s, n.ctx, op);
    smmuv3::synchronize_rcu(n.s);
  }
  return n;
}

void run_observed(Node& child, const Op& op, Observed* seen) {
  std::optional<kernel::ScopedPreemptHook> counter;
  std::optional<kernel::LockTrace> locks;
  if (seen) {
    locks.emplace();
    counter.emplace([seen](System& sys, kernel::PreemptPoint p) {
      uint32_t nth = 1;
      for (const PointVisit& v : seen->points) nth += v.at == p;
      if (nth <= 2) seen->points.push_back({p, nth, kernel::held_locks(sys)});
    });
  }
  run_op(child.s, child.ctx, op);
  if (seen) seen->taken = locks->taken();
  smmuv3::synchronize_rcu(child.s);
}

}  // namespace atslab::sim
