// Partial-order reduction's dependency relation (issue 19): what a transition touched, read off
// its run, and what the explorer concludes from it.
#include <gtest/gtest.h>

#include "io/scenario.h"
#include "linux/smmuv3/rcu.h"
#include "sim/canonical.h"
#include "sim/explore.h"
#include "sim/footprint.h"
#include "sim/scenario_run.h"
#include "../support/shipped_scenario.h"
#include "../support/temp_file.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

io::Scenario scenario(const std::string& name) { return ::atslab::test::shipped_scenario(name); }

struct State {
  System s;
  OpContext ctx;
};

// The explorer's transition: the operation, a grace period, the canonical form.
State run(const State& from, const Op& op) {
  State to = from;
  run_op(to.s, to.ctx, op);
  smmuv3::synchronize_rcu(to.s);
  canonicalize(to.s);
  return to;
}

State boot(const io::Scenario& sc, AtsVariant v, const std::vector<Op>& prefix) {
  State st;
  st.s = boot_machine(sc, v, st.ctx, sc.seed, "");
  canonicalize(st.s);
  for (const Op& op : prefix) st = run(st, op);
  return st;
}

// The state and the runner's context the explorer hashes.
bool same(const State& a, const State& b) {
  return a.s == b.s && a.ctx.containers == b.ctx.containers && a.ctx.vfio_groups == b.ctx.vfio_groups &&
         a.ctx.own_domains == b.ctx.own_domains && a.ctx.next_iova == b.ctx.next_iova;
}

Footprint fp(const State& from, const Op& op) {
  State to = run(from, op);
  return footprint(from.s, from.ctx, to.s, to.ctx, op);
}

const Op kEnable{.kind = OpKind::SriovEnable, .device = "pf", .count = 2};
Op bind(const std::string& dev, const std::string& drv) { return {.kind = OpKind::Bind, .device = dev, .driver = drv}; }

TEST(Footprint, TwoVfsBoundToTheirHostDriversCommute) {
  auto sc = scenario("seed");
  State s = boot(sc, AtsVariant::FailEarly, {kEnable});
  Op a = bind("pf.vf0", "native"), b = bind("pf.vf1", "native");
  Footprint fa = fp(s, a), fb = fp(s, b);
  EXPECT_FALSE(fa.global);
  EXPECT_FALSE(fa.writes.empty()) << "the bind wrote its pci_dev";
  ASSERT_TRUE(independent(fa, fb));
  // What independence promises: either order reaches the same state.
  EXPECT_TRUE(same(run(run(s, a), b), run(run(s, b), a)));
}

TEST(Footprint, SriovEnableDependsOnEverything) {
  auto sc = scenario("seed");
  State s = boot(sc, AtsVariant::FailEarly, {});
  Footprint f = fp(s, kEnable);
  EXPECT_TRUE(f.global) << "new pci_devs: the device list every lookup walks";
  EXPECT_FALSE(independent(f, fp(s, bind("pf", "vfio-pci"))));
}

// iommufd's objects are not divided: a HWPT allocated or a device bound writes everything, so an
// iommufd operation commutes with nothing (its tables were once not compared at all).
TEST(Footprint, IommufdOperationsWriteGlobally) {
  auto sc = scenario("iommufd");
  State s = boot(sc, AtsVariant::FailEarly, {});
  Footprint bind_fp = fp(s, {.kind = OpKind::IommufdBind, .device = "nic"});
  EXPECT_TRUE(bind_fp.global);
  State bound = run(s, {.kind = OpKind::IommufdBind, .device = "nic"});
  EXPECT_TRUE(fp(bound, {.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "h0"}).global);
}

TEST(Footprint, AnOperationThatChangedNothingStillReadsItsDevice) {
  auto sc = scenario("seed");
  State s = boot(sc, AtsVariant::FailEarly, {kEnable});
  Op unbind{.kind = OpKind::Unbind, .device = "pf.vf0"};  // not bound: nothing to do
  Footprint nop = fp(s, unbind);
  EXPECT_FALSE(nop.global);
  EXPECT_TRUE(nop.writes.empty());
  EXPECT_FALSE(nop.reads.empty());
  EXPECT_FALSE(independent(nop, fp(s, bind("pf.vf0", "native")))) << "the bind makes the unbind do something";
  EXPECT_TRUE(independent(nop, fp(s, bind("pf.vf1", "native"))));
}

// Freeing one VF's own domain and attaching one for the other do not commute, though no object
// links the two VFs: the freed slot is the next one allocated (lowest-first reuse), and both
// take and give back page-table pages of one pool.
TEST(Footprint, FreeingADomainDependsOnAllocatingOne) {
  auto sc = scenario("seed");
  Op own0{.kind = OpKind::AttachOwnDomain, .device = "pf.vf0"}, own1{.kind = OpKind::AttachOwnDomain, .device = "pf.vf1"};
  Op free0{.kind = OpKind::DetachOwnDomain, .device = "pf.vf0"}, free1{.kind = OpKind::DetachOwnDomain, .device = "pf.vf1"};
  // VF 1's domain freed last: its slot is free, above VF 0's.
  State s = boot(sc, AtsVariant::FailEarly, {kEnable, bind("pf.vf0", "native"), bind("pf.vf1", "native"), own0, own1, free1});
  EXPECT_FALSE(same(run(run(s, free0), own1), run(run(s, own1), free0))) << "the orders differ";
  EXPECT_FALSE(independent(fp(s, free0), fp(s, own1)));
}

// A reset reads the other functions of its bus (pci_parent_bus_reset refuses the bus method while
// another is listed there), though no link of the state leads from one function of a
// multi-function device with ACS to the other (each has its own group). Removing the other
// function decides whether the reset is a Secondary Bus Reset or -ENOTTY. (Every operation that
// changes what a bus lists writes globally today, removal included, so the bus in the reset's
// read set is what keeps the pair dependent only if that ever changes.)
TEST(Footprint, AResetDependsOnRemovingAnotherFunctionOfItsBus) {
  auto sc = io::load_scenario(::atslab::test::write_temp(
      "bus-siblings.yaml",
      "name: bus-siblings\nmachine:\n  ports: [{name: rp0}]\n  devices:\n"
      "    - {name: fn0, port: rp0, devfn: 0, vendor: 0x15b3, device: 0x1017, ats: true, flr: false, driver: native}\n"
      "    - {name: fn1, port: rp0, devfn: 1, vendor: 0x15b3, device: 0x1017, ats: true, flr: false, driver: native}\n"
      "workload: []\n"));
  State s = boot(sc, AtsVariant::FailEarly, {});
  ASSERT_NE(iommu::group_of(s.s, *resolve(s.s, s.ctx, "fn0")), iommu::group_of(s.s, *resolve(s.s, s.ctx, "fn1")))
      << "ACS: a group each";
  const Op reset{.kind = OpKind::Reset, .device = "fn0"}, remove{.kind = OpKind::Remove, .device = "fn1"};
  State removed_first = run(s, remove);
  EXPECT_EQ(run_op(removed_first.s, removed_first.ctx, reset), 0) << "alone on its bus: the bus reset";
  State reset_first = s;
  EXPECT_EQ(run_op(reset_first.s, reset_first.ctx, reset), -ENOTTY) << "fn1 still listed on the bus";
  EXPECT_FALSE(same(run(run(s, reset), remove), run(run(s, remove), reset))) << "the orders differ";
  EXPECT_FALSE(independent(fp(s, reset), fp(s, remove)));
}

TEST(Footprint, AHotResetDependsOnUnbindingAnotherFunctionOfItsBus) {
  // VFIO_DEVICE_PCI_HOT_RESET reads every function on the bus (vfio_pci_dev_set_resettable): fn1
  // leaving vfio-pci turns 0 into -EINVAL. fn1 is in a container of its own and neither operation
  // names a container, so only the bus links the two.
  auto sc = scenario("vfio-hot-reset");
  State s = boot(sc, AtsVariant::FailEarly,
                 {{.kind = OpKind::Bind, .device = "fn0", .driver = "vfio-pci"},
                  {.kind = OpKind::Bind, .device = "fn1", .driver = "vfio-pci"},
                  {.kind = OpKind::VfioSetContainer, .device = "fn0", .container = "c0"},
                  {.kind = OpKind::VfioSetIommu, .container = "c0"},
                  {.kind = OpKind::VfioSetContainer, .device = "fn1", .container = "c1"},
                  {.kind = OpKind::VfioSetIommu, .container = "c1"}});
  const Op hot{.kind = OpKind::VfioHotReset, .device = "fn0", .container = ""};
  const Op unbind{.kind = OpKind::Unbind, .device = "fn1", .container = ""};
  State hot_first = s;
  EXPECT_EQ(run_op(hot_first.s, hot_first.ctx, hot), 0);
  State unbound_first = run(s, unbind);
  EXPECT_EQ(run_op(unbound_first.s, unbound_first.ctx, hot), -EINVAL);
  EXPECT_FALSE(independent(fp(s, hot), fp(s, unbind)));
}

// The relation is sound where it says "independent": for every pair of the alphabet the
// footprints call independent, from states a few operations deep, both orders reach the same
// state (the explorer's hash would not tell them apart).
TEST(Footprint, IndependentPairsCommuteOnExploreSmall) {
  auto sc = scenario("explore-small");
  ExploreOptions opt;
  auto alphabet = explore_alphabet(sc, opt);
  const std::vector<std::vector<Op>> prefixes = {
      {},
      {kEnable},
      {kEnable, bind("pf.vf0", "vfio-pci")},
      {kEnable, bind("pf.vf0", "vfio-pci"), {.kind = OpKind::VfioSetContainer, .device = "pf.vf0", .container = "c0"}},
  };
  size_t independent_pairs = 0;
  for (const auto& prefix : prefixes) {
    State s = boot(sc, AtsVariant::FailEarly, prefix);
    std::vector<Footprint> f;
    std::vector<State> after;
    for (const Op& op : alphabet) {
      after.push_back(run(s, op));
      f.push_back(footprint(s.s, s.ctx, after.back().s, after.back().ctx, op));
    }
    for (size_t i = 0; i < alphabet.size(); ++i)
      for (size_t j = i + 1; j < alphabet.size(); ++j) {
        if (!independent(f[i], f[j])) continue;
        ++independent_pairs;
        State ij = run(after[i], alphabet[j]), ji = run(after[j], alphabet[i]);
        EXPECT_TRUE(same(ij, ji)) << describe(alphabet[i]) << " then " << describe(alphabet[j]) << " after " << prefix.size()
                                  << " operations";
      }
  }
  EXPECT_GT(independent_pairs, 100u) << "the relation finds commuting operations at all";
}

// The same for transitions with a forced fault and with another CPU's operation inside them:
// each is a transition of its own, with the footprint of its own run.
TEST(Footprint, IndependentFaultedAndNestedTransitionsCommute) {
  auto sc = scenario("explore-small");
  ExploreOptions opt;
  for (size_t p = 0; p < faults::kPointCount; ++p) opt.faults.push_back(static_cast<faults::Point>(p));
  std::vector<Op> ops;
  for (const Op& op : explore_alphabet(sc, opt))
    if (!op.fault.empty()) ops.push_back(op);
  // Attaches with the other VF's traffic, or an invalidation, inside their window.
  for (const char* outer : {"pf.vf0", "pf.vf1"})
    for (auto at : {kernel::PreemptPoint::AttachAfterPrepare, kernel::PreemptPoint::AttachAfterSte})
      for (Op inner : {Op{.kind = OpKind::DeviceDma, .device = "pf.vf1", .iova = OpContext::kIovaBase, .write = true},
                       Op{.kind = OpKind::AtsTranslate, .device = "pf.vf0", .iova = OpContext::kIovaBase, .write = true},
                       Op{.kind = OpKind::VfioMapUnmap, .container = "c1"}}) {
        Op both{.kind = OpKind::VfioSetContainer, .device = outer, .container = "c0"};
        both.nested.push_back({.at = at, .nth = 1, .op = inner});
        ops.push_back(both);
      }
  const std::vector<std::vector<Op>> prefixes = {
      {kEnable, bind("pf.vf0", "vfio-pci"), bind("pf.vf1", "vfio-pci")},
      {kEnable, bind("pf.vf0", "vfio-pci"), bind("pf.vf1", "vfio-pci"),
       {.kind = OpKind::VfioSetContainer, .device = "pf.vf1", .container = "c1"}, {.kind = OpKind::VfioSetIommu, .container = "c1"},
       {.kind = OpKind::VfioMap, .container = "c1"}},
  };
  size_t independent_pairs = 0, nested_runs = 0;
  for (const auto& prefix : prefixes) {
    State s = boot(sc, AtsVariant::FailEarly, prefix);
    std::vector<Op> ran;
    std::vector<Footprint> f;
    std::vector<State> after;
    for (const Op& op : ops) {
      try {
        after.push_back(run(s, op));
      } catch (const NestingRefused&) {
        continue;  // the locks forbid it there: not a transition
      }
      nested_runs += !op.nested.empty();
      ran.push_back(op);
      f.push_back(footprint(s.s, s.ctx, after.back().s, after.back().ctx, op));
    }
    for (size_t i = 0; i < ran.size(); ++i)
      for (size_t j = i + 1; j < ran.size(); ++j) {
        if (!independent(f[i], f[j])) continue;
        ++independent_pairs;
        State ij, ji;
        try {
          ij = run(after[i], ran[j]);
          ji = run(after[j], ran[i]);
        } catch (const NestingRefused&) {
          ADD_FAILURE() << describe(ran[i]) << " and " << describe(ran[j]) << ": a nesting allowed in one order only";
          continue;
        }
        EXPECT_TRUE(same(ij, ji)) << describe(ran[i]) << " then " << describe(ran[j]) << " after " << prefix.size()
                                  << " operations";
      }
  }
  EXPECT_GT(nested_runs, 0u);
  EXPECT_GT(independent_pairs, 20u);
}

TEST(Explore, PartialOrderReductionKeepsTheVerdictsAndRunsFewerTransitions) {
  auto sc = scenario("seed");
  for (auto v : {AtsVariant::Upstream, AtsVariant::FailEarly}) {
    ExploreOptions off{.depth = 3, .all = true}, on = off;
    on.por = true;
    auto a = explore(sc, v, off), b = explore(sc, v, on);
    EXPECT_FALSE(a.por);
    EXPECT_EQ(a.por_skipped, 0u);
    EXPECT_TRUE(b.por);
    EXPECT_GT(b.por_skipped, 0u);
    EXPECT_LT(b.transitions, a.transitions);
    EXPECT_EQ(b.unique, a.unique) << "every state is still reached";
    EXPECT_EQ(b.exhausted, a.exhausted);
    ASSERT_EQ(b.found.size(), a.found.size());
    for (const auto& [n, cx] : a.found) {
      ASSERT_TRUE(b.found.count(n)) << n;
      EXPECT_EQ(b.found.at(n).trace.size(), cx.trace.size()) << n;
    }
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
