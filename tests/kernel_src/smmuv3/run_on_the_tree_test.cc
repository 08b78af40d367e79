// `run --driver source` in one process over several scenarios, as a reviewer runs
// scenarios/*.yaml on their tree: each file is judged by its rows for that very tree
// (expect_source), and a machine without an SMMUv3 reads nothing of the tree's SMMUv3 driver,
// whose file-scope state is still the previous machine's (nothing probed it since).
#include <gtest/gtest.h>

#include <string>

#include "io/scenario.h"
#include "sim/scenario_run.h"
#include "../tree_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

sim::ScenarioResult run_on_tree(const std::string& file, policy::AtsVariant v = policy::AtsVariant::Upstream) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + file);
  sc.driver = policy::Driver::Source;
  sc.pci_dev_reset_iommu = false;  // as run does on 6.12's tree
  return sim::run_scenario(sc, v);
}

TEST(RunOnTheTree, SeedYamlIsJudgedBySixTwelveOneEighteensOwnRows) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto r = run_on_tree("seed.yaml");
  EXPECT_EQ(r.judged_by, "expect_source.6.12.118");
  EXPECT_TRUE(r.failed_expectations.empty()) << ::testing::PrintToString(r.failed_expectations);
  EXPECT_TRUE(r.final.record.warnings.empty()) << "6.12.118's ats.c is PF-aware (finding 20)";
}

TEST(RunOnTheTree, AFileWithoutTheTreesRowsIsJudgedByTheModelsAndAModelOnlySwitchByNone) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  EXPECT_EQ(run_on_tree("granule-64k.yaml").judged_by, "expect");
  const auto r = run_on_tree("e2000-hotplug-header-fix.yaml");
  EXPECT_EQ(r.judged_by, "none") << "quirk_phase: header is no 6.12.118 kernel";
  EXPECT_TRUE(r.failed_expectations.empty());
}

// stress --driver source holds a run to the same rows run would (its "no violations" rows).
TEST(RunOnTheTree, StressAndRunAskTheSameRows) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  std::string by;
  EXPECT_EQ(&sim::expectations_for(sc, by), &sc.expect);
  EXPECT_EQ(by, "expect");
  sc.driver = policy::Driver::Source;
  EXPECT_EQ(&sim::expectations_for(sc, by), &sc.expect_source.at("6.12.118"));
  EXPECT_EQ(by, "expect_source.6.12.118");
  sc.disable_ats_checks_ats_cap = true;  // fix sketch 7a: no 6.12.118 kernel
  EXPECT_TRUE(sim::expectations_for(sc, by).empty());
  EXPECT_EQ(by, "none");
}

TEST(RunOnTheTree, AnAmdMachineAfterAnSmmuOneReadsNoneOfTheTreesMasters) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto smmu = run_on_tree("always-on.yaml");
  ASSERT_TRUE(smmu.failed_expectations.empty()) << ::testing::PrintToString(smmu.failed_expectations);
  // The tree's driver still holds always-on.yaml's GPU as a master with ATS off; invariant 9 read
  // it against this machine's function at the same routing ID, whose ATS AMD-Vi enabled.
  const auto amd = run_on_tree("amd-atc-vfio.yaml");
  EXPECT_TRUE(amd.violated.empty()) << ::testing::PrintToString(amd.violated);
  EXPECT_TRUE(amd.failed_expectations.empty()) << ::testing::PrintToString(amd.failed_expectations);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
