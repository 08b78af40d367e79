// `repro --scenario always-on`: finding 23's table, row by row, from the built-in path; and the
// built-in path held to the shipped scenario file it mirrors.
#include <gtest/gtest.h>

#include <algorithm>

#include "io/scenario.h"
#include "linux/kernel/kfunc.h"
#include "sim/path_repro.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
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
  for (auto v : policy::kAllVariants) {
    const ScenarioResult f = run_scenario(file, v);
    const ReproResult r = always_on(v);
    EXPECT_TRUE(f.failed_expectations.empty()) << policy::name(v);
    EXPECT_EQ(r.final.record.warnings.size(), f.final.record.warnings.size()) << policy::name(v);
    EXPECT_EQ(r.violated, f.violated) << policy::name(v);
    EXPECT_EQ(r.atc_inv_to_ats_disabled, f.atc_inv_to_ats_disabled) << policy::name(v);
  }
}

}  // namespace
}  // namespace atslab::sim
