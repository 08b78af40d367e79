// What sim::canonicalize forgets must be unobservable: two states that differ only there behave
// alike, one operation on (and so, the difference staying where it was, every operation on).
#include <gtest/gtest.h>

#include <set>

#include "check/invariants.h"
#include "io/scenario.h"
#include "linux/smmuv3/rcu.h"
#include "sim/canonical.h"
#include "sim/explore.h"
#include "sim/explore_node.h"
#include "../support/shipped_scenario.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

// An operation as the explorer runs it, without the canonical form: what it does to the state as
// it is, and the violations the transition and the state show.
struct After {
  Node n;
  std::set<int> verdicts;
};
After run_raw(const Node& from, const Op& op) {
  After a{from, {}};
  const size_t ev = a.n.s.record.events.size(), w = a.n.s.record.warnings.size();
  run_op(a.n.s, a.n.ctx, op);
  smmuv3::synchronize_rcu(a.n.s);
  for (const auto& v : check::check_history(a.n.s, ev, w)) a.verdicts.insert(v.invariant);
  for (const auto& v : check::check_state(a.n.s, true)) a.verdicts.insert(v.invariant);
  return a;
}

void clear_evtq(System& s) {
  for (auto& m : s.hw.smmus) m.evtq.clear();
}

// SMMU events are written by translation faults and read by nothing.
TEST(Canonical, TheEventQueueIsNeverRead) {
  auto sc = ::atslab::test::shipped_scenario("seed");
  ExploreOptions opt;
  opt.faults.assign({faults::Point::PciEnableAts, faults::Point::InvsMergeAlloc, faults::Point::ConfigWriteDropped});
  const auto alphabet = explore_alphabet(sc, opt);
  Node s = start_state(sc, AtsVariant::FailEarly, {});
  const Op dma{.kind = OpKind::DeviceDma, .device = "pf.vf0", .iova = OpContext::kIovaBase, .write = true};
  for (const Op& op : {Op{.kind = OpKind::SriovEnable, .device = "pf", .count = 2}, dma,
                       Op{.kind = OpKind::Bind, .device = "pf.vf1", .driver = "vfio-pci"}, dma})
    s = run_raw(s, op).n;
  size_t events = 0;
  for (const auto& m : s.s.hw.smmus) events += m.evtq.size();
  ASSERT_GT(events, 0u) << "a DMA to an unmapped IOVA leaves an event";
  Node quiet = s;
  clear_evtq(quiet.s);
  Node canonical = s;
  canonicalize(canonical.s);
  for (const auto& m : canonical.s.hw.smmus) EXPECT_TRUE(m.evtq.empty());
  for (const Op& op : alphabet) {
    After a = run_raw(s, op), b = run_raw(quiet, op);
    EXPECT_EQ(a.verdicts, b.verdicts) << describe(op);
    clear_evtq(a.n.s);
    clear_evtq(b.n.s);
    EXPECT_TRUE(a.n.s == b.n.s) << describe(op) << ": the events changed something besides themselves";
    EXPECT_EQ(a.n.ctx.next_iova, b.n.ctx.next_iova) << describe(op);
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
