// `repro --scenario pasid`: finding 26's table, row by row, from the built-in path, under both
// invalidation designs; and the built-in path held to scenarios/pasid.yaml. Behind VT-d
// (scalable, legacy) and AMD-Vi (--iommu vtd|amd): finding 26's second table.
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

ReproResult pasid(AtsVariant v, bool nr_ats_masters = false) {
  return run_seed_repro(v, {.legacy_fastpath = nr_ats_masters, .scenario = ReproScenario::Pasid});
}

bool has_step(const ReproResult& r, const std::string& step) {
  return std::find(r.steps.begin(), r.steps.end(), step) != r.steps.end();
}

TEST(PasidRepro, UpstreamAndSeriesV3RecordTheFailedEnableAndMeetTheSeedsWarnAtTheDetach) {
  for (auto v : {AtsVariant::Upstream, AtsVariant::SeriesV3}) {
    SCOPED_TRACE(policy::name(v));
    const ReproResult r = pasid(v);
    ASSERT_EQ(r.final.record.warnings.size(), 1u);
    const auto& w = r.final.record.warnings.front();
    EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
    EXPECT_NE(std::find(w.call_trace.begin(), w.call_trace.end(), kernel::KFn::arm_smmu_blocking_set_dev_pasid), w.call_trace.end());
    EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23}));
    EXPECT_EQ(r.atc_inv_to_ats_disabled, 1u) << "the remap's ATC_INV for SSID 2";
    EXPECT_FALSE(r.attach_failed) << "arm_smmu_set_pasid returns prepare's result: 0";
    EXPECT_TRUE(r.vf_usable);
    EXPECT_FALSE(r.vf_ats_enabled);
  }
}

TEST(PasidRepro, FailEarlyAddsItsWarnAtTheEnable) {
  const ReproResult r = pasid(AtsVariant::FailEarly);
  ASSERT_EQ(r.final.record.warnings.size(), 2u);
  EXPECT_EQ(r.final.record.warnings[0].function, kernel::KFn::arm_smmu_enable_ats);
  EXPECT_EQ(r.final.record.warnings[1].function, kernel::KFn::pci_disable_ats);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23}));
}

TEST(PasidRepro, RollbackFailsThePasidAttachAndTheDriverHasNoPasid2) {
  const ReproResult r = pasid(AtsVariant::Rollback);
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_EQ(r.violated, (std::vector<int>{18}));
  EXPECT_TRUE(r.attach_failed);
  EXPECT_FALSE(r.vf_usable);
  EXPECT_TRUE(has_step(r, "acc: iommu_attach_device_pasid(own paging domain, PASID 2) [fault pci_enable_ats] -> -22"));
  EXPECT_TRUE(has_step(r, "acc: iommu_detach_device_pasid(PASID 2) -> -22")) << "never attached";
}

TEST(PasidRepro, VtdStyleRecordsOffButTheArrayKeepsTheAtsEntry) {
  const ReproResult r = pasid(AtsVariant::VtdStyle);
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_EQ(r.violated, (std::vector<int>{13, 14, 23}));
  EXPECT_EQ(r.atc_inv_to_ats_disabled, 1u);
}

// The pre-2026 design: no arrays (no 14). Its invalidation walks the domain's devices and sends
// ATC_INV for each master_domain whose master->ats_enabled: upstream's belief keeps 23; vtd-style's
// recorded-off master gets none.
TEST(PasidRepro, UnderTheNrAtsMastersDesign) {
  for (auto v : {AtsVariant::Upstream, AtsVariant::SeriesV3}) {
    const ReproResult r = pasid(v, true);
    EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 23})) << policy::name(v);
  }
  EXPECT_EQ(pasid(AtsVariant::FailEarly, true).violated, (std::vector<int>{4, 9, 13, 23}));
  EXPECT_EQ(pasid(AtsVariant::Rollback, true).violated, (std::vector<int>{18}));
  const ReproResult vs = pasid(AtsVariant::VtdStyle, true);
  EXPECT_EQ(vs.violated, (std::vector<int>{13}));
  EXPECT_EQ(vs.atc_inv_to_ats_disabled, 0u);
}

TEST(PasidRepro, TheBuiltInPathGivesTheShippedScenariosRowUnderEveryVariant) {
  const io::Scenario file = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid.yaml");
  EXPECT_EQ(pasid_scenario().workload, file.workload);
  test::expect_repro_matches_file(file, ReproScenario::Pasid);
}

ReproResult pasid_behind(AtsVariant v, hw::pcie::IommuKind iommu, bool legacy = false) {
  return run_seed_repro(v, {.scenario = ReproScenario::Pasid, .iommu = iommu, .vtd_legacy = legacy});
}

// Scalable VT-d: both PASIDs attach, DMA, remap and detach with ATS on throughout; the injected
// pci_enable_ats failure has no call to fail (the PASID path makes none).
TEST(PasidRepro, BehindScalableVtdEveryStepSucceedsAndAtsStaysOn) {
  for (auto v : kVtdAmdVariants) {
    SCOPED_TRACE(policy::name(v));
    const ReproResult r = pasid_behind(v, hw::pcie::IommuKind::Vtd);
    EXPECT_EQ(r.iommu, hw::pcie::IommuKind::Vtd);
    EXPECT_TRUE(r.final.record.warnings.empty());
    EXPECT_TRUE(r.violated.empty());
    EXPECT_EQ(r.atc_inv_to_ats_disabled, 0u);
    EXPECT_FALSE(r.attach_failed);
    EXPECT_TRUE(r.vf_usable);
    EXPECT_TRUE(r.vf_ats_enabled);
    // The step says its forced fault found no call to fail.
    EXPECT_TRUE(has_step(r, "acc: iommu_attach_device_pasid(own paging domain, PASID 2) [fault pci_enable_ats] (the forced "
                            "pci_enable_ats never fired: the step made no call to it) -> 0"));
    EXPECT_TRUE(std::none_of(r.final.record.events.begin(), r.final.record.events.end(),
                             [](const kernel::Event& e) { return e.kind == kernel::EventKind::AtsEnableFailed; }));
  }
}

// Legacy VT-d: the core returns 0 for both attaches without calling the driver (max_pasids 0),
// and the PASID DMA fails: the device never had PASID enabled. ATS is off on the identity RID.
TEST(PasidRepro, BehindLegacyVtdTheAttachIsZeroButNoPasidDmaGoesOut) {
  for (auto v : kVtdAmdVariants) {
    SCOPED_TRACE(policy::name(v));
    const ReproResult r = pasid_behind(v, hw::pcie::IommuKind::Vtd, true);
    EXPECT_TRUE(r.final.record.warnings.empty());
    EXPECT_TRUE(r.violated.empty());
    EXPECT_TRUE(has_step(r, "acc: iommu_attach_device_pasid(own paging domain, PASID 1) -> 0"));
    EXPECT_TRUE(has_step(r, "acc: DMA write at IOVA 0x100000 with PASID 1 -> -19"));
    EXPECT_TRUE(has_step(r, "acc: iommu_detach_device_pasid(PASID 2) -> 0"));
    EXPECT_FALSE(r.vf_usable);
    EXPECT_FALSE(r.vf_ats_enabled);
  }
}

// AMD-Vi: the paging domain has no set_dev_pasid: both attaches -EOPNOTSUPP, nothing to remap or detach.
TEST(PasidRepro, BehindAmdThePagingDomainsPasidAttachIsNotSupported) {
  for (auto v : kVtdAmdVariants) {
    SCOPED_TRACE(policy::name(v));
    const ReproResult r = pasid_behind(v, hw::pcie::IommuKind::Amd);
    EXPECT_TRUE(r.final.record.warnings.empty());
    EXPECT_TRUE(r.violated.empty());
    EXPECT_TRUE(has_step(r, "acc: iommu_attach_device_pasid(own paging domain, PASID 1) -> -95"));
    EXPECT_TRUE(has_step(r, "acc: iommu_detach_device_pasid(PASID 1) -> -22"));
    EXPECT_TRUE(r.attach_failed);
    EXPECT_TRUE(r.vf_ats_enabled) << "pdev_enable_caps at the identity attach";
  }
}

// The built-in path behind each IOMMU is pasid.yaml's workload on one endpoint; the shipped
// pasid-vtd-amd.yaml puts the three side by side and meets its expectations.
TEST(PasidRepro, BehindVtdAndAmdTheBuiltInPathIsTheShippedWorkload) {
  const io::Scenario file = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid.yaml");
  for (auto k : {hw::pcie::IommuKind::Vtd, hw::pcie::IommuKind::Amd}) {
    const io::Scenario sc = pasid_scenario(k);
    EXPECT_EQ(sc.workload, file.workload);
    EXPECT_EQ(sc.rcs.front().iommu, k);
  }
  EXPECT_FALSE(pasid_scenario(hw::pcie::IommuKind::Vtd, true).rcs.front().ecap_smts);
  const io::Scenario both = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid-vtd-amd.yaml");
  for (auto v : kVtdAmdVariants) {
    const ScenarioResult f = run_scenario(both, v);
    EXPECT_TRUE(f.failed_expectations.empty()) << policy::name(v);
    EXPECT_TRUE(f.violated.empty()) << policy::name(v);
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
