// A separate binary, linked with a copy of the tree whose pci_ats_supported lost
// 6.12.118's PF-aware check (scripts/kernel-tree/remove-pf-aware-ats.sh, run by the
// build on a copy): the seed's scenario WARNs again, from the tree's own
// pci_disable_ats, on the seed's call trace, with the invariant violations the model
// (which has no PF-aware check under upstream either) reports.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/tree_info.h"
#include "sim/compare_drivers.h"
#include "sim/explore.h"
#include "sim/seed_repro.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

// The line of the WARN in pci_disable_ats in the file this binary was built from.
int disable_ats_warn_line() {
  std::ifstream in(ATSLAB_NO_PF_AWARE_ATS_C);
  bool inside = false;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.starts_with("void pci_disable_ats(")) inside = true;
    if (inside && line.find("WARN_ON") != std::string::npos) return n;
  }
  return 0;
}

TEST(SourceSeedWithoutPfAwareCheck, TheBinaryRunsTheScriptedCopy) {
  EXPECT_NE(kernel_src::tree().origin.find("remove-pf-aware-ats.sh"), std::string_view::npos);
  EXPECT_NE(kernel_src::sha256_of("drivers/pci/ats.c"), ATSLAB_ORIGINAL_ATS_C_SHA256);
  EXPECT_FALSE(kernel_src::sha256_of("drivers/pci/ats.c").empty());
}

TEST(SourceSeedWithoutPfAwareCheck, TheSeedsWarnComesBackFromTheTreesPciDisableAts) {
  const int line = disable_ats_warn_line();
  ASSERT_GT(line, 0);
  // Debian's 6.12.118 less the three lines of the check: the line the seed report shows.
  if (std::string_view(ATSLAB_ORIGINAL_ATS_C_SHA256) == ATSLAB_DEBIAN_6_12_118_ATS_C_SHA256) {
    EXPECT_EQ(line, 132);
  }

  auto model = sim::run_seed_repro(policy::AtsVariant::Upstream);
  const kernel_src::smmuv3::ScopedChoice ats_c_alone(false);  // the copy's ats.c under atslab's SMMUv3 driver
  auto tree = sim::run_seed_repro(policy::AtsVariant::Upstream, {.driver = policy::Driver::Source});
  ASSERT_FALSE(tree.final.record.warnings.empty());
  ASSERT_EQ(tree.final.record.warnings.size(), model.final.record.warnings.size());
  size_t from_disable = 0;
  for (size_t i = 0; i < tree.final.record.warnings.size(); ++i) {
    const auto& w = tree.final.record.warnings[i];
    const auto& mw = model.final.record.warnings[i];
    EXPECT_EQ(w.function, mw.function);
    EXPECT_EQ(w.call_trace, mw.call_trace);
    EXPECT_EQ(w.condition, mw.condition);
    if (w.function != kernel::KFn::pci_disable_ats) continue;
    ++from_disable;
    EXPECT_EQ(w.file, "drivers/pci/ats.c");
    EXPECT_EQ(w.line, line);
  }
  EXPECT_GE(from_disable, 1u);
  EXPECT_EQ(tree.violated, model.violated);
  EXPECT_EQ(tree.atc_inv_to_ats_disabled, model.atc_inv_to_ats_disabled);
  EXPECT_EQ(tree.vf_ats_enabled, model.vf_ats_enabled);
}

// explore --driver source on the seed's machine with the tree's SMMUv3 driver and this copy's
// ats.c finds the seed's bug without any fault: the first `echo 2 > sriov_numvfs` leaves the VFs'
// masters believing ATS on (9), the next attach WARNs in pci_disable_ats (4), as the model as 6.12
// is, less the PF-aware check, finds them (the same shortest traces). Debian's 6.12.118 itself is
// clean there (SourceSmmuExplore.TheSeedsMachineIsCleanOnTheTreeWithoutAFault).
TEST(SourceSeedWithoutPfAwareCheck, ExploreFindsTheSeedsBugOnTheTreesDriver) {
  if (!kernel_src::smmuv3::built()) GTEST_SKIP() << "built without the tree's SMMUv3 driver (ATSLAB_SOURCE_SMMUV3=OFF)";
  auto sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/seed.yaml");
  sc.driver = policy::Driver::Source;
  sim::ExploreOptions opt{.depth = 3, .interleave = false, .all = true};
  opt.kinds = {sim::OpKind::SriovEnable, sim::OpKind::SriovDisable, sim::OpKind::Bind, sim::OpKind::Unbind,
               sim::OpKind::VfioSetContainer, sim::OpKind::VfioUnsetContainer};
  const auto tree = sim::explore(sc, policy::AtsVariant::Upstream, opt);
  auto as_tree = sim::model_as_tree(sc);
  EXPECT_EQ(as_tree.pf_aware_ats_supported, false) << "the probe of this copy's ats.c (kernel_src::tree_ats_supported_asks_pf)";
  const auto model = sim::explore(as_tree, policy::AtsVariant::Upstream, opt);
  EXPECT_TRUE(tree.one_cpu);
  ASSERT_TRUE(tree.exhausted);
  ASSERT_TRUE(tree.found.count(9));
  ASSERT_EQ(tree.found.at(9).trace.size(), 1u);
  EXPECT_EQ(sim::describe(tree.found.at(9).trace[0]), "echo 2 > pf/sriov_numvfs");
  ASSERT_TRUE(tree.found.count(4));
  EXPECT_EQ(tree.found.at(4).trace.size(), 2u);
  std::map<int, size_t> t, m;
  for (const auto& [n, cx] : tree.found) t[n] = cx.trace.size();
  for (const auto& [n, cx] : model.found) m[n] = cx.trace.size();
  EXPECT_EQ(t, m);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
