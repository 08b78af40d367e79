// The seed scenario's outcome under each design variant (issue: reproduce, then judge each fix).
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/seed_repro.h"
#include "sim/state_hash.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

bool has(const std::vector<int>& v, int n) { return std::find(v.begin(), v.end(), n) != v.end(); }

uint64_t first_error_seq(const ReproResult& r, const std::string& text) {
  for (const auto& l : r.final.record.log)
    if (l.level == kernel::Level::Err && l.text.find(text) != std::string::npos) return l.seq;
  return 0;
}

TEST(SeedRepro, UpstreamLogsTheEnableFailureThenHitsTheSeedWarnWithTheSeedTrace) {
  auto r = run_seed_repro(AtsVariant::Upstream);
  uint64_t err = first_error_seq(r, "pci 0000:01:00.1: Failed to enable ATS (STU 12)");
  ASSERT_NE(err, 0u);
  ASSERT_GE(r.final.record.warnings.size(), 1u);
  const auto& w = r.final.record.warnings[0];
  EXPECT_LT(err, w.seq);
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  EXPECT_EQ(w.line, 132);
  EXPECT_EQ(w.comm, "iova_stress");
  using kernel::KFn;
  EXPECT_EQ(w.call_trace,
            (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare, KFn::arm_smmu_attach_dev_ste,
                              KFn::arm_smmu_attach_dev_blocked, KFn::__iommu_attach_device,
                              KFn::__iommu_group_set_domain_internal, KFn::__iommu_take_dma_ownership,
                              KFn::iommu_group_claim_dma_owner, KFn::vfio_container_attach_group,
                              KFn::vfio_group_fops_unl_ioctl}));
}

TEST(SeedRepro, UpstreamCheckerReportsTheViolationsOfSection82BetweenTheTwoEvents) {
  auto r = run_seed_repro(AtsVariant::Upstream);
  uint64_t err = first_error_seq(r, "Failed to enable ATS");
  uint64_t warn = r.final.record.warnings.at(0).seq;
  std::vector<int> between;
  for (const auto& v : r.violations)
    if (v.seq > err && v.seq < warn) between.push_back(v.invariant);
  for (int n : {9, 13, 14, 23}) EXPECT_TRUE(has(between, n)) << "invariant " << n << " not reported between the events";
  EXPECT_TRUE(has(r.violated, 4)) << "the WARN itself is invariant 4";
  EXPECT_EQ(r.atc_inv_to_ats_disabled, 4u) << "one ATC_INV per host unmap on the default domain";
  EXPECT_FALSE(r.vf_ats_enabled);
}

TEST(SeedRepro, UpstreamQuirkPhaseAlsoBreaksInvariantSix) {
  auto r = run_seed_repro(AtsVariant::Upstream);
  EXPECT_TRUE(has(r.violated, 6));
}

TEST(SeedRepro, SeriesV3AndFailEarlyAreCleanAndKeepTheVfUsable) {
  for (auto v : {AtsVariant::SeriesV3, AtsVariant::FailEarly}) {
    auto r = run_seed_repro(v);
    EXPECT_TRUE(r.final.record.warnings.empty()) << policy::name(v);
    EXPECT_TRUE(r.violated.empty()) << policy::name(v);
    EXPECT_EQ(r.atc_inv_to_ats_disabled, 0u);
    EXPECT_FALSE(r.probe_failed);
    EXPECT_FALSE(r.attach_failed);
    EXPECT_TRUE(r.vf_usable);
    EXPECT_FALSE(r.vf_ats_enabled) << "the PF's quirk now reaches the VF: no ATS, and no pretence of it";
    EXPECT_EQ(first_error_seq(r, "Failed to enable ATS"), 0u);
  }
}

TEST(SeedRepro, RollbackFailsTheVfsDefaultDomainAttachAndWithItTheProbe) {
  auto r = run_seed_repro(AtsVariant::Rollback);
  // The first default-domain attach at probe must succeed: rollback failing it is
  // iommu_setup_default_domain's WARN_ON(ret), and the release domain then attached over
  // the domain the VF never joined unrefs invalidations its array lacks (the driver's WARN).
  // Once for each of the two VFs.
  using kernel::KFn;
  std::vector<KFn> warned;
  for (const auto& w : r.final.record.warnings) warned.push_back(w.function);
  EXPECT_EQ(warned, (std::vector<KFn>{KFn::iommu_setup_default_domain, KFn::arm_smmu_invs_unref,
                                      KFn::iommu_setup_default_domain, KFn::arm_smmu_invs_unref}));
  ASSERT_FALSE(r.final.record.warnings.empty());
  EXPECT_EQ(r.final.record.warnings[0].condition, "ret");
  EXPECT_TRUE(r.probe_failed);
  EXPECT_TRUE(r.attach_failed);
  EXPECT_FALSE(r.vf_usable);
  // What rollback restores is consistent; the one invariant it breaks is its premise: commit fails (18).
  EXPECT_EQ(r.violated, std::vector<int>{18});
  EXPECT_NE(first_error_seq(r, "Failed to enable ATS (STU 12)"), 0u);
  EXPECT_EQ(first_error_seq(r, "Failed to attach default domain"), 0u) << "the kernel prints no such line; the WARN is its report";
}

TEST(SeedRepro, VtdStyleHidesTheWarnButLeavesStaleAtsTrackingForever) {
  auto r = run_seed_repro(AtsVariant::VtdStyle);
  EXPECT_TRUE(r.final.record.warnings.empty());
  for (int n : {13, 14, 23}) EXPECT_TRUE(has(r.violated, n)) << n;
  EXPECT_FALSE(has(r.violated, 9)) << "the belief now matches the device";
  EXPECT_GT(r.atc_inv_to_ats_disabled, 0u);
}

TEST(SeedRepro, OlderInvalidationDesignStopsStrayAtcInvsUnderVtdStyleTracking) {
  // Before the arrays, ATC invalidations followed master->ats_enabled, which vtd-style keeps truthful.
  auto legacy = run_seed_repro(AtsVariant::VtdStyle, {.legacy_fastpath = true});
  EXPECT_EQ(legacy.atc_inv_to_ats_disabled, 0u);
  EXPECT_TRUE(has(legacy.violated, 13)) << "the counter is still off by one";
  EXPECT_FALSE(has(legacy.violated, 14)) << "no arrays in the older design";
  auto upstream = run_seed_repro(AtsVariant::Upstream, {.legacy_fastpath = true});
  EXPECT_EQ(upstream.atc_inv_to_ats_disabled, 4u);
  EXPECT_EQ(upstream.final.record.warnings.size(), 2u);
}

TEST(SeedRepro, IsDeterministic) {
  auto a = run_seed_repro(AtsVariant::Upstream), b = run_seed_repro(AtsVariant::Upstream);
  EXPECT_EQ(a.final, b.final);
  EXPECT_EQ(state_hash(a.final), state_hash(b.final));
  EXPECT_EQ(a.violations, b.violations);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
