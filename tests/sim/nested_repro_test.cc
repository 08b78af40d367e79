// `repro --scenario nested`: the nested finding's table, row by row, from the built-in path, under
// both invalidation designs; and the built-in path held to scenarios/nested.yaml.
#include <gtest/gtest.h>

#include <algorithm>

#include "io/scenario.h"
#include "linux/kernel/kfunc.h"
#include "sim/path_repro.h"
#include "sim/scenario_run.h"
#include "../support/repro_matches_file.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

ReproResult nested(AtsVariant v, bool nr_ats_masters = false) {
  return run_seed_repro(v, {.legacy_fastpath = nr_ats_masters, .scenario = ReproScenario::Nested});
}

bool has_step(const ReproResult& r, const std::string& step) {
  return std::find(r.steps.begin(), r.steps.end(), step) != r.steps.end();
}

TEST(NestedRepro, UpstreamAndSeriesV3RecordTheFailedEnableAndMeetTheSeedsWarnAtTheDetach) {
  for (auto v : {AtsVariant::Upstream, AtsVariant::SeriesV3}) {
    SCOPED_TRACE(policy::name(v));
    const ReproResult r = nested(v);
    ASSERT_EQ(r.final.record.warnings.size(), 1u);
    const auto& w = r.final.record.warnings.front();
    EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
    EXPECT_NE(std::find(w.call_trace.begin(), w.call_trace.end(), kernel::KFn::vfio_iommufd_physical_detach_ioas), w.call_trace.end());
    EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23, 28}));
    EXPECT_EQ(r.atc_inv_to_ats_disabled, 1u) << "the unmap's ATS_FULL; the guest's own ATC_INV is not counted";
    EXPECT_TRUE(has_step(r, "VFIO_DEVICE_ATTACH_IOMMUFD_PT nic -> s1 [fault pci_enable_ats] -> 0"));
  }
}

TEST(NestedRepro, FailEarlyAddsItsWarnAtTheEnable) {
  const ReproResult r = nested(AtsVariant::FailEarly);
  ASSERT_EQ(r.final.record.warnings.size(), 2u);
  EXPECT_EQ(r.final.record.warnings[0].function, kernel::KFn::arm_smmu_enable_ats);
  EXPECT_EQ(r.final.record.warnings[1].function, kernel::KFn::pci_disable_ats);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23, 28}));
}

// acc's host has no ATS: its EATS vSTE gets an STE without EATS and ATS stays off, the kernel's
// stated behaviour (not 28: the guest's extra ATC invalidations reach a function with ATS off,
// which a compliant endpoint completes). So rollback, which undoes the nic's replace, has 18 alone.
TEST(NestedRepro, RollbackFailsTheReplaceAndTheUnsupportedFunctionBreaksNothing) {
  const ReproResult r = nested(AtsVariant::Rollback);
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_EQ(r.violated, (std::vector<int>{18}));
  EXPECT_TRUE(r.attach_failed);
  EXPECT_TRUE(has_step(r, "VFIO_DEVICE_ATTACH_IOMMUFD_PT nic -> s1 [fault pci_enable_ats] -> -22"));
  for (auto v : policy::kAllVariants)
    for (const auto& x : nested(v).violations)
      EXPECT_NE(x.objects.rfind("0001:01:00.0", 0), 0u) << policy::name(v) << ": acc: " << x.detail;
}

TEST(NestedRepro, VtdStyleRecordsOffButTheParentsArrayKeepsAtsFull) {
  const ReproResult r = nested(AtsVariant::VtdStyle);
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_EQ(r.violated, (std::vector<int>{13, 14, 23, 28}));
  EXPECT_EQ(r.atc_inv_to_ats_disabled, 1u);
}

// The older design: no arrays (no 14); arm_smmu_atc_inv_domain's walk skips a master recorded
// off, so vtd-style's unmap sends nothing to the nic (no 23).
TEST(NestedRepro, UnderTheNrAtsMastersDesign) {
  for (auto v : {AtsVariant::Upstream, AtsVariant::SeriesV3, AtsVariant::FailEarly})
    EXPECT_EQ(nested(v, true).violated, (std::vector<int>{4, 9, 13, 23, 28})) << policy::name(v);
  EXPECT_EQ(nested(AtsVariant::Rollback, true).violated, (std::vector<int>{18}));
  const ReproResult vs = nested(AtsVariant::VtdStyle, true);
  EXPECT_EQ(vs.violated, (std::vector<int>{13, 28}));
  EXPECT_EQ(vs.atc_inv_to_ats_disabled, 0u);
}

TEST(NestedRepro, TheBuiltInPathGivesTheShippedScenariosRowUnderEveryVariant) {
  const io::Scenario file = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/nested.yaml");
  EXPECT_EQ(nested_scenario().workload, file.workload);
  test::expect_repro_matches_file(file, ReproScenario::Nested);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
