// The seed's scenario (atslab repro) with the tree's SMMUv3 driver behind
// atslab's IOMMU core (ATSLAB_SOURCE_SMMUV3 builds): Debian's 6.12.118 runs it
// clean (its ats.c is PF-aware); with the VF's pci_enable_ats failing by
// injection its arm_smmu_attach_prepare calls pci_disable_ats on a device whose
// ATS never came on, on the seed report's call trace, and the checks read the
// driver's own belief (invariants 9 and 13). The oracle for the trace is the
// seed report (docs/seed-thread.txt), for the release path 6.12's own
// arm_smmu_release_device, which attaches the blocked domain itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <tuple>
#include <vector>

#include "../tree_fixture.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "sim/seed_repro.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::KFn;
using policy::AtsVariant;
using sim::ReproOptions;
using sim::ReproScenario;

bool violated(const sim::ReproResult& r, int inv) { return std::count(r.violated.begin(), r.violated.end(), inv) > 0; }

TEST(SourceSmmuSeed, TheSeedsScenarioRunsOnTheTreesDriverWithoutAWarn) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto r = sim::run_seed_repro(AtsVariant::Upstream, {.driver = policy::Driver::Source});
  EXPECT_TRUE(r.final.record.warnings.empty()) << kernel::format_splats(r.final.record);
  for (int inv : {9, 10, 13, 21, 23}) EXPECT_FALSE(violated(r, inv)) << inv;
  EXPECT_FALSE(r.probe_failed);
  EXPECT_TRUE(r.vf_usable);
  EXPECT_FALSE(r.vf_ats_enabled) << "6.12.118's pci_ats_supported asks the quirked PF";
  // The tree's driver ran, not atslab's: no master of atslab's, the command queue the tree's
  // probe programmed through MMIO, and the PF a master of the tree's driver with ATS off (the
  // root port is one too; the VFs were released).
  EXPECT_TRUE(r.final.kernel.smmuv3.masters.empty());
  EXPECT_NE(r.final.hw.smmus.at(0).prog.cmdq_base, 0u);
  size_t pfs = 0;
  for (const auto& m : kernel_src::smmuv3::masters(r.final)) {
    const auto& d = r.final.kernel.devs[m.dev];
    EXPECT_FALSE(d.is_virtfn) << d.bdf.str();
    EXPECT_EQ(m.streams, std::vector<uint32_t>{d.bdf.rid()});
    if (!d.is_physfn) continue;
    ++pfs;
    EXPECT_FALSE(m.ats_enabled) << "quirk_intel_e2000_no_ats";
  }
  EXPECT_EQ(pfs, 1u);
}

TEST(SourceSmmuSeed, EnableFailureWarnsFromTheTreesAttachPrepareOnTheSeedsTrace) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto r = sim::run_seed_repro(AtsVariant::Upstream, {.scenario = ReproScenario::EnableFailure, .driver = policy::Driver::Source});
  const auto& warnings = r.final.record.warnings;
  ASSERT_EQ(warnings.size(), 2u) << kernel::format_splats(r.final.record);
  // VFIO claiming the group attaches the blocked domain: the seed report's WARN.
  const auto& w = warnings[0];
  EXPECT_EQ(w.function, KFn::pci_disable_ats);
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  EXPECT_EQ(w.line, 135);
  EXPECT_EQ(w.condition, "!dev->ats_enabled");
  EXPECT_EQ(w.call_trace, (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare, KFn::arm_smmu_attach_dev_ste,
                                            KFn::arm_smmu_attach_dev_blocked, KFn::__iommu_attach_device,
                                            KFn::__iommu_group_set_domain_internal, KFn::__iommu_take_dma_ownership,
                                            KFn::iommu_group_claim_dma_owner, KFn::vfio_container_attach_group,
                                            KFn::vfio_group_fops_unl_ioctl}))
      << kernel::format_warning(w);
  // Destroying the VFs: 6.12's ops have no release_domain, so the core calls release_device,
  // which attaches the blocked domain itself (atslab's core and driver are the 2026 design, where
  // the core attaches the release domain: docs/fidelity.md).
  const auto& rel = warnings[1];
  EXPECT_EQ(rel.function, KFn::pci_disable_ats);
  EXPECT_EQ(rel.call_trace, (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare, KFn::arm_smmu_attach_dev_ste,
                                              KFn::arm_smmu_attach_dev_blocked, KFn::arm_smmu_release_device,
                                              KFn::iommu_deinit_device, KFn::iommu_release_device, KFn::iommu_bus_notifier,
                                              KFn::device_del, KFn::pci_stop_and_remove_bus_device, KFn::pci_iov_remove_virtfn,
                                              KFn::sriov_disable, KFn::pci_disable_sriov, KFn::sriov_numvfs_store}))
      << kernel::format_warning(rel);
  // The checker on the driver's own belief: ATS recorded on with the function's off (9), and
  // counted in nr_ats_masters (13); the WARN itself is 4; the domain's invalidations, sent to the
  // masters it counts, reach a VF whose ATS is off (23). 6.12 has no invalidation arrays: no 14.
  EXPECT_TRUE(violated(r, 9));
  EXPECT_TRUE(violated(r, 13));
  EXPECT_TRUE(violated(r, 4));
  EXPECT_TRUE(violated(r, 23));
  EXPECT_FALSE(violated(r, 14));
  // The same verdicts as atslab's model configured as 6.12 is (the nr_ats_masters design).
  auto model = sim::run_seed_repro(AtsVariant::Upstream, {.legacy_fastpath = true, .scenario = ReproScenario::EnableFailure});
  EXPECT_EQ(r.violated, model.violated);
  EXPECT_EQ(r.atc_inv_to_ats_disabled, model.atc_inv_to_ats_disabled);
  EXPECT_EQ(r.vf_ats_enabled, model.vf_ats_enabled);
}

TEST(SourceSmmuSeed, TheMasterDomainAllocationInAttachPrepareIsTheNamedFaultPoint) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  // Every master_domain allocation fails while VFIO_SET_IOMMU runs (the step named after the one
  // before it): the kzalloc in the tree's arm_smmu_attach_prepare returns NULL, and type1's attach
  // of its unmanaged domain fails with the driver's -ENOMEM.
  auto r = sim::run_seed_repro(
      AtsVariant::Upstream,
      {.faults = "arm_smmu_master_domain.alloc:step=VFIO_GROUP_SET_CONTAINER -> 0:always", .driver = policy::Driver::Source});
  const auto point = static_cast<size_t>(faults::Point::MasterDomainAlloc);
  EXPECT_GT(r.final.faults.fired[point], 0u);
  EXPECT_TRUE(r.attach_failed);
  EXPECT_FALSE(r.vf_usable);
  EXPECT_TRUE(r.final.record.warnings.empty()) << kernel::format_splats(r.final.record);
}

// The attach phases in the record (invariant 18's input), as (kind, device, return).
std::vector<std::tuple<kernel::EventKind, uint32_t, int64_t>> phases(const System& s) {
  std::vector<std::tuple<kernel::EventKind, uint32_t, int64_t>> out;
  for (const auto& e : s.record.events)
    if (e.kind == kernel::EventKind::AttachPrepareBegin || e.kind == kernel::EventKind::AttachPrepareEnd ||
        e.kind == kernel::EventKind::AttachCommitEnd)
      out.emplace_back(e.kind, e.dev, e.a);
  return out;
}

// The tree's static arm_smmu_attach_prepare and arm_smmu_attach_commit reach the record through
// the call-trace hooks: every attach of the seed's enable-failure run (default domains, VFIO's
// blocked and unmanaged domains, the release's blocked attach) announces its two phases, in the
// order and with the returns atslab's driver announces them, as the model configured as 6.12 does.
TEST(SourceSmmuSeed, TheTreesAttachPhasesAreTheModelsInOrder) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto model = sim::run_seed_repro(AtsVariant::Upstream, {.legacy_fastpath = true, .scenario = ReproScenario::EnableFailure});
  auto tree = sim::run_seed_repro(AtsVariant::Upstream, {.scenario = ReproScenario::EnableFailure, .driver = policy::Driver::Source});
  const auto t = phases(tree.final);
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t, phases(model.final));
  // Each prepare is closed, and each successful one committed: 6.12 commits after every prepare.
  size_t begins = 0, commits = 0;
  for (const auto& [k, dev, ret] : t) {
    begins += k == kernel::EventKind::AttachPrepareBegin;
    commits += k == kernel::EventKind::AttachCommitEnd;
    if (k != kernel::EventKind::AttachPrepareBegin) {
      EXPECT_EQ(ret, 0);
    }
  }
  EXPECT_EQ(begins, commits);
  EXPECT_FALSE(std::count(tree.violated.begin(), tree.violated.end(), 18));
}

// A prepare that fails (its kzalloc of the master_domain, by injection) is announced with its
// -ENOMEM, found from the attach's return since the hooks see no return value, and is followed
// by no commit: before that allocation 6.12's prepare has touched nothing, so invariant 18 holds.
TEST(SourceSmmuSeed, AFailingPrepareIsAnnouncedWithItsErrorAndNoCommit) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto tree = sim::run_seed_repro(
      AtsVariant::Upstream,
      {.faults = "arm_smmu_master_domain.alloc:step=VFIO_GROUP_SET_CONTAINER -> 0:always", .driver = policy::Driver::Source});
  const auto t = phases(tree.final);
  size_t failed = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const auto& [k, dev, ret] = t[i];
    if (k != kernel::EventKind::AttachPrepareEnd || ret == 0) continue;
    ++failed;
    EXPECT_EQ(ret, -ENOMEM);
    if (i + 1 < t.size()) {
      EXPECT_NE(std::get<0>(t[i + 1]), kernel::EventKind::AttachCommitEnd);
    }
  }
  EXPECT_GT(failed, 0u);
  EXPECT_FALSE(std::count(tree.violated.begin(), tree.violated.end(), 18));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
