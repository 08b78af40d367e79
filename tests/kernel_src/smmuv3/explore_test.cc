// explore --driver source (ATSLAB_SOURCE_SMMUV3 builds): the tree's SMMUv3 driver under the
// exhaustive search. Its heap is outside the System value, so every state is reached again from
// the boot (re-execution); the oracle for what the search finds is the model configured as 6.12
// is (sim::model_as_tree), which compare-drivers holds to the tree run by run, explored the same
// way: the same invariants broken, by traces of the same shortest length.
#include <gtest/gtest.h>

#include "../tree_fixture.h"
#include "io/scenario.h"
#include "sim/compare_drivers.h"
#include "sim/explore.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

io::Scenario on_tree(const char* name) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR "/scenarios/") + name + ".yaml");
  sc.driver = policy::Driver::Source;
  return sc;
}
// A healthy PF whose two VFs get ATS (explore-small.yaml): on 6.12.118 the seed's own machine
// never enables a VF's ATS (its ats.c is PF-aware, the PF quirked), so no enable can fail there.
io::Scenario healthy_on_tree() { return on_tree("explore-small"); }

// A VF's life through SR-IOV, its drivers and VFIO, every pci_enable_ats the driver calls able to
// fail: the seed's premise, within three operations.
sim::ExploreOptions seed_search() {
  sim::ExploreOptions opt{.depth = 3, .faults = {faults::Point::PciEnableAts}, .interleave = false, .all = true};
  opt.kinds = {sim::OpKind::SriovEnable, sim::OpKind::SriovDisable, sim::OpKind::Bind, sim::OpKind::Unbind,
               sim::OpKind::VfioSetContainer, sim::OpKind::VfioUnsetContainer};
  return opt;
}

std::map<int, size_t> shortest(const sim::ExploreResult& r) {
  std::map<int, size_t> out;
  for (const auto& [n, cx] : r.found) out[n] = cx.trace.size();
  return out;
}

TEST(SourceSmmuExplore, TheTreesDriverIsExploredByReexecutionOnOneCpu) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto opt = seed_search();
  opt.interleave = true;  // asked for, and refused: the tree's driver has no interleaving points
  const auto r = sim::explore(healthy_on_tree(), AtsVariant::Upstream, opt);
  EXPECT_TRUE(r.one_cpu);
  EXPECT_TRUE(r.exhausted);
  EXPECT_EQ(r.refused_nestings, 0u);
  // Each node's first child runs on the heap its parent left; every other transition is replayed.
  EXPECT_GT(r.reexecutions, 0u);
  EXPECT_LT(r.reexecutions, r.transitions);
}

// The seed's bug on 6.12.118's own code: a VF's pci_enable_ats failing in the attach commit
// leaves the driver's belief on (9) and the domain's count with it (13), and the next attach's
// pci_disable_ats WARNs (4), as the model as 6.12 finds them, by traces as short.
TEST(SourceSmmuExplore, FindsTheSeedsBugWhereTheModelAsSixTwelveDoes) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto opt = seed_search();
  const auto tree = sim::explore(healthy_on_tree(), AtsVariant::Upstream, opt);
  const auto model = sim::explore(sim::model_as_tree(healthy_on_tree()), AtsVariant::Upstream, opt);
  EXPECT_FALSE(model.one_cpu);
  ASSERT_TRUE(tree.exhausted);
  ASSERT_TRUE(model.exhausted);
  EXPECT_EQ(shortest(tree), (std::map<int, size_t>{{4, 2}, {9, 1}, {13, 1}}));
  EXPECT_EQ(shortest(tree), shortest(model));
  // The trace found replays on the tree: re-running it ends in the same violation, and no step
  // of it can go.
  const auto& cx = tree.found.at(9);
  EXPECT_EQ(cx.trace, sim::minimise(healthy_on_tree(), AtsVariant::Upstream, tree.prefix, cx.trace, 9));
  ASSERT_EQ(cx.trace.size(), 1u);
  EXPECT_EQ(cx.trace[0].kind, sim::OpKind::SriovEnable);
  EXPECT_EQ(cx.trace[0].fault, "pci_enable_ats");
}

// Without the fault the seed's machine is clean on 6.12.118 to depth 3 (its ats.c is PF-aware),
// as repro --driver source says of its scenario.
TEST(SourceSmmuExplore, TheSeedsMachineIsCleanOnTheTreeWithoutAFault) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto opt = seed_search();
  opt.faults.clear();
  const auto r = sim::explore(on_tree("seed"), AtsVariant::Upstream, opt);
  EXPECT_TRUE(r.exhausted);
  EXPECT_TRUE(r.found.empty()) << "invariant " << r.found.begin()->first << ": " << r.found.begin()->second.violation.detail;
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
