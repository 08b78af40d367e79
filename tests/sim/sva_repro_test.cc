// `repro --scenario sva`: the SVA path's table, row by row, from the built-in path, under both
// invalidation designs; and the built-in path held to scenarios/sva.yaml.
#include <gtest/gtest.h>

#include "io/scenario.h"
#include "sim/path_repro.h"
#include "sim/scenario_run.h"
#include "../support/repro_matches_file.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

ReproResult sva(AtsVariant v, bool nr_ats_masters = false) {
  return run_seed_repro(v, {.legacy_fastpath = nr_ats_masters, .scenario = ReproScenario::Sva});
}

// The bind returns 0 with ATS recorded on; the munmap's notifier and the exit's release each send
// ATC_INV for SSID 1 to the function (23); the unbind's identity downgrade WARNs in pci_disable_ats.
TEST(SvaRepro, UpstreamAndSeriesV3RecordTheFailedEnableAndWarnAtTheUnbind) {
  for (auto v : {AtsVariant::Upstream, AtsVariant::SeriesV3}) {
    SCOPED_TRACE(policy::name(v));
    const ReproResult r = sva(v);
    EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23}));
    EXPECT_EQ(r.atc_inv_to_ats_disabled, 2u);
    ASSERT_EQ(r.final.record.warnings.size(), 1u);
    const auto& t = r.final.record.warnings.front().call_trace;
    EXPECT_EQ(t.front(), kernel::KFn::pci_disable_ats);
    EXPECT_EQ(t.back(), kernel::KFn::iommu_sva_unbind_device);
    EXPECT_FALSE(r.attach_failed);
    EXPECT_FALSE(r.vf_ats_enabled);
  }
}

TEST(SvaRepro, FailEarlyAddsItsWarnAtTheBindsCommit) {
  const ReproResult r = sva(AtsVariant::FailEarly);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23}));
  ASSERT_EQ(r.final.record.warnings.size(), 2u);
  const auto& t = r.final.record.warnings.front().call_trace;
  EXPECT_EQ(t.front(), kernel::KFn::arm_smmu_enable_ats);
  EXPECT_EQ(t.back(), kernel::KFn::iommu_sva_bind_device);
}

TEST(SvaRepro, RollbackFailsTheBindAndVtdStyleLeaksTheAtsEntry) {
  const ReproResult rb = sva(AtsVariant::Rollback);
  EXPECT_EQ(rb.violated, (std::vector<int>{18}));
  EXPECT_TRUE(rb.attach_failed);
  EXPECT_FALSE(rb.vf_usable);
  EXPECT_TRUE(rb.final.record.warnings.empty());
  const ReproResult vs = sva(AtsVariant::VtdStyle);
  EXPECT_EQ(vs.violated, (std::vector<int>{13, 14, 23}));
  EXPECT_EQ(vs.atc_inv_to_ats_disabled, 3u) << "munmap, release, and the SVA domain's free through the stale entry";
  EXPECT_TRUE(vs.final.record.warnings.empty());
}

// 6.12's design: the notifier walks the devices list on master->ats_enabled (no arrays: no 14);
// vtd-style then sends nothing to the function.
TEST(SvaRepro, TheOlderInvalidationDesign) {
  EXPECT_EQ(sva(AtsVariant::Upstream, true).violated, (std::vector<int>{4, 9, 13, 23}));
  const ReproResult vs = sva(AtsVariant::VtdStyle, true);
  EXPECT_EQ(vs.violated, (std::vector<int>{13}));
  EXPECT_EQ(vs.atc_inv_to_ats_disabled, 0u);
}

TEST(SvaRepro, TheBuiltInPathGivesTheShippedScenariosRowUnderEveryVariant) {
  const io::Scenario file = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/sva.yaml");
  EXPECT_EQ(sva_scenario().workload, file.workload);
  test::expect_repro_matches_file(file, ReproScenario::Sva);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
