// `repro --scenario always-on`: finding 23's table, row by row, from the built-in path; and the
// built-in path held to the shipped scenario file it mirrors.
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

ReproResult always_on(AtsVariant v) { return run_seed_repro(v, {.scenario = ReproScenario::AlwaysOn}); }

bool warned_in(const ReproResult& r, kernel::KFn fn) {
  for (const auto& w : r.final.record.warnings)
    if (w.function == fn) return true;
  return false;
}

TEST(AlwaysOnRepro, UpstreamAndSeriesV3RecordTheFailedEnableAndMeetTheSeedsWarnAtTheNextBlockedAttach) {
  for (auto v : {AtsVariant::Upstream, AtsVariant::SeriesV3}) {
    const ReproResult r = always_on(v);
    EXPECT_EQ(r.final.record.warnings.size(), 1u) << policy::name(v);
    EXPECT_EQ(r.violated, (std::vector<int>{4, 9})) << policy::name(v);
    EXPECT_TRUE(warned_in(r, kernel::KFn::pci_disable_ats)) << policy::name(v);
    EXPECT_FALSE(r.probe_failed);
    EXPECT_FALSE(r.attach_failed) << "every ioctl returned 0";
    EXPECT_TRUE(r.vf_usable) << "identity at the end, and its DMA passes";
  }
}

TEST(AlwaysOnRepro, FailEarlyWarnsAtTheFailedEnableAndAgainAtTheDisable) {
  const ReproResult r = always_on(AtsVariant::FailEarly);
  ASSERT_EQ(r.final.record.warnings.size(), 2u);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9}));
  EXPECT_EQ(r.final.record.warnings[1].function, kernel::KFn::pci_disable_ats);
}

TEST(AlwaysOnRepro, RollbackUndoesTheIdentityCommitWithNoErrorToReturnSoTheCoreBelievesIdentity) {
  const ReproResult r = always_on(AtsVariant::Rollback);
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_EQ(r.violated, (std::vector<int>{18, 24}));
  EXPECT_FALSE(r.attach_failed) << "arm_smmu_attach_dev_ste's commit is void: VFIO_GROUP_UNSET_CONTAINER returns 0";
  EXPECT_FALSE(r.vf_usable) << "the SMMU aborted the GPU's DMA while the core believed identity (24)";
}

TEST(AlwaysOnRepro, VtdStyleKeepsTheResultAndStaysQuiet) {
  const ReproResult r = always_on(AtsVariant::VtdStyle);
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_TRUE(r.violated.empty());
  EXPECT_TRUE(r.vf_usable);
}

TEST(AlwaysOnRepro, TheBuiltInPathGivesTheShippedScenariosRowUnderEveryVariant) {
  const io::Scenario file = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/always-on.yaml");
  const io::Scenario built = always_on_scenario();
  EXPECT_EQ(built.workload, file.workload);
  test::expect_repro_matches_file(file, ReproScenario::AlwaysOn);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

ReproResult cdev(policy::AtsVariant v) { return run_seed_repro(v, {.scenario = ReproScenario::Iommufd}); }

TEST(IommufdRepro, UpstreamAndSeriesV3CarryTheFailedEnableThroughTheReplaceToTheDetachsWarn) {
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::SeriesV3}) {
    const ReproResult r = cdev(v);
    ASSERT_EQ(r.final.record.warnings.size(), 1u) << policy::name(v);
    EXPECT_EQ(r.final.record.warnings[0].function, kernel::KFn::pci_disable_ats);
    EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23})) << policy::name(v);
    EXPECT_EQ(r.atc_inv_to_ats_disabled, 1u) << "the IOAS unmap after the replace";
    EXPECT_FALSE(r.attach_failed) << "every ioctl returned 0";
    EXPECT_TRUE(r.vf_usable) << "ATS off while recorded on: its untranslated DMA still reaches the mapping";
    EXPECT_TRUE(r.vf_ats_enabled) << "closed at the end: the default domain enabled ATS again";
  }
}

TEST(IommufdRepro, FailEarlyAddsItsWarnAtTheEnable) {
  const ReproResult r = cdev(policy::AtsVariant::FailEarly);
  ASSERT_EQ(r.final.record.warnings.size(), 2u);
  EXPECT_EQ(r.final.record.warnings[1].function, kernel::KFn::pci_disable_ats);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23}));
}

TEST(IommufdRepro, RollbackFailsTheAttachToUserspaceAndItsDmaFaultsUntilTheNextAttach) {
  const ReproResult r = cdev(policy::AtsVariant::Rollback);
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_EQ(r.violated, (std::vector<int>{18}));
  EXPECT_TRUE(r.attach_failed);
  EXPECT_FALSE(r.vf_usable);
  EXPECT_NE(std::find(r.steps.begin(), r.steps.end(), "VFIO_DEVICE_ATTACH_IOMMUFD_PT nic -> h0 [fault pci_enable_ats] -> -22"),
            r.steps.end());
}

TEST(IommufdRepro, VtdStyleIsQuietAndTheReplaceEnablesAtsAgain) {
  const ReproResult r = cdev(policy::AtsVariant::VtdStyle);
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_EQ(r.violated, (std::vector<int>{13, 14})) << "h0's array keeps the ATS entry of the failed enable";
  EXPECT_EQ(r.atc_inv_to_ats_disabled, 0u);
}

TEST(IommufdRepro, TheBuiltInPathGivesTheShippedScenariosRowUnderEveryVariant) {
  const io::Scenario file = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/iommufd.yaml");
  EXPECT_EQ(iommufd_scenario().workload, file.workload);
  test::expect_repro_matches_file(file, ReproScenario::Iommufd);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
