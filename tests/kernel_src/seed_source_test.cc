// The seed's scenario (atslab repro) with the tree's own drivers/pci/ats.c. 6.12.118
// carries the seed's patch 1 (PF-aware pci_ats_supported, backported to stable): the
// quirked PF's VF is not ATS-capable for the SMMU driver, and nothing WARNs. When
// pci_enable_ats fails by injection instead, the tree's pci_disable_ats WARNs at its
// own line, on the same call trace as the model's. These pin the tree's ats.c
// alone, under atslab's SMMUv3 driver (kernel_src/smmuv3/seed_repro_test.cc runs
// the tree's driver too).
#include <gtest/gtest.h>

#include <algorithm>

#include "kernel_src/smmuv3/iommu_driver.h"
#include "sim/seed_repro.h"
#include "tree_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;
using sim::ReproOptions;
using sim::ReproScenario;

TEST(SourceSeed, UpstreamSeedScenarioIsCleanWithTheTreesPfAwareAtsC) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto model = sim::run_seed_repro(AtsVariant::Upstream);
  const kernel_src::smmuv3::ScopedChoice ats_c_alone(false);
  auto tree = sim::run_seed_repro(AtsVariant::Upstream, {.driver = policy::Driver::Source});
  // Without the PF-aware check the model WARNs (the seed's bug)...
  ASSERT_FALSE(model.final.record.warnings.empty());
  // ...the tree has it: no WARN, no ATS state split, the VF's ATS stays off and the VF works.
  EXPECT_TRUE(tree.final.record.warnings.empty()) << kernel::format_splats(tree.final.record);
  for (int inv : {9, 13, 14, 23}) EXPECT_EQ(std::count(tree.violated.begin(), tree.violated.end(), inv), 0) << inv;
  EXPECT_EQ(tree.atc_inv_to_ats_disabled, 0u);
  EXPECT_FALSE(tree.vf_ats_enabled);
  EXPECT_TRUE(tree.vf_usable);
  EXPECT_FALSE(tree.probe_failed);
}

TEST(SourceSeed, EnableFailureWarnsFromTheTreesPciDisableAtsOnTheModelsTrace) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const ReproOptions model_opt{.scenario = ReproScenario::EnableFailure};
  ReproOptions tree_opt = model_opt;
  tree_opt.driver = policy::Driver::Source;
  const kernel_src::smmuv3::ScopedChoice ats_c_alone(false);
  auto model = sim::run_seed_repro(AtsVariant::Upstream, model_opt);
  auto tree = sim::run_seed_repro(AtsVariant::Upstream, tree_opt);
  ASSERT_FALSE(tree.final.record.warnings.empty());
  ASSERT_EQ(tree.final.record.warnings.size(), model.final.record.warnings.size());
  for (size_t i = 0; i < tree.final.record.warnings.size(); ++i) {
    const auto& w = tree.final.record.warnings[i];
    const auto& mw = model.final.record.warnings[i];
    EXPECT_EQ(w.function, mw.function);
    EXPECT_EQ(w.call_trace, mw.call_trace);
    EXPECT_EQ(w.condition, mw.condition);
    if (w.function == kernel::KFn::pci_disable_ats) {
      EXPECT_EQ(w.file, "drivers/pci/ats.c");
      EXPECT_EQ(w.line, 135);  // the tree's line; the model pins the seed kernel's 132
    }
  }
  EXPECT_EQ(tree.final.record.warnings[0].function, kernel::KFn::pci_disable_ats);
  EXPECT_EQ(tree.violated, model.violated);
  EXPECT_EQ(tree.atc_inv_to_ats_disabled, model.atc_inv_to_ats_disabled);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
