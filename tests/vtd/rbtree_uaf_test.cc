// The 2026 use-after-free in VT-d's device rbtree (spec 2.2): a VF probed before
// its FINAL no-ATS quirk is linked at probe, left linked at release (support now
// false) and freed; the next VF creation walks the tree into the freed info.
#include "check/invariants.h"
#include "vtd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::KFn;

struct Run {
  VtdMachine m;
  std::vector<check::Violation> after_release;
};

// E2000 PF (ATS quirked off) bound to vfio-pci; echo 2, echo 0, echo 2 > sriov_numvfs.
Run cycle_vfs(policy::QuirkPhase phase) {
  Run r{VtdMachine({.pf = {.vendor = 0x8086, .device = 0x1452, .vf_device = 0x1457, .revision = 0x11},
                    .switches = {.no_ats_quirk_phase = phase}}),
        {}};
  System& s = r.m.s;
  pci::DevId pf = r.m.pf();
  s.kernel.devs[pf].driver = pci::DriverKind::VfioPci;
  s.kernel.devs[pf].driver_bound = true;
  s.kernel.ctx.comm = "bash";
  EXPECT_EQ(pci::sriov_numvfs_store(s, pf, 2), 0);
  EXPECT_EQ(pci::sriov_numvfs_store(s, pf, 0), 0);
  r.after_release = check::check_state(s, true);
  pci::sriov_numvfs_store(s, pf, 2);
  return r;
}

TEST(VtdRbtreeUaf, FinalPhaseQuirkLeavesFreedInfosLinkedAtRelease) {
  auto r = cycle_vfs(policy::QuirkPhase::Final);
  size_t dangling = std::count_if(r.after_release.begin(), r.after_release.end(),
                                  [](const check::Violation& v) { return v.invariant == 0; });
  EXPECT_EQ(dangling, 2u) << "both VFs' infos are freed and still in the tree";
}

TEST(VtdRbtreeUaf, NextVfCreationReadsTheFreedInfoWithTheKernelsTrace) {
  auto r = cycle_vfs(policy::QuirkPhase::Final);
  const auto& bugs = r.m.s.record.bugs;
  ASSERT_FALSE(bugs.empty());
  const auto& b = bugs[0];
  EXPECT_EQ(b.bug, "KASAN: slab-use-after-free");
  EXPECT_EQ(b.function, KFn::device_rid_cmp);
  std::vector<KFn> head(b.call_trace.begin(), b.call_trace.begin() + 4);
  EXPECT_EQ(head, (std::vector<KFn>{KFn::device_rid_cmp, KFn::rb_find_add, KFn::device_rbtree_insert,
                                    KFn::intel_iommu_probe_device}));
  for (KFn f : {KFn::pci_iov_add_virtfn, KFn::sriov_enable, KFn::vfio_pci_core_sriov_configure, KFn::sriov_numvfs_store})
    EXPECT_NE(std::find(b.call_trace.begin(), b.call_trace.end(), f), b.call_trace.end()) << kernel::name(f);
  EXPECT_EQ(b.call_trace.back(), KFn::sriov_numvfs_store);
  EXPECT_EQ(b.freed_by.at(0), KFn::intel_iommu_release_device);
  EXPECT_NE(std::find(b.freed_by.begin(), b.freed_by.end(), KFn::pci_iov_remove_virtfn), b.freed_by.end());
  EXPECT_EQ(b.comm, "bash");
  std::string text = kernel::format_bug(b);
  EXPECT_NE(text.find("BUG: KASAN: slab-use-after-free in device_rid_cmp"), std::string::npos) << text;
}

TEST(VtdRbtreeUaf, TheStaleNodeHasTheNewVfsRidSoInsertWarnsAndProbeFails) {
  auto r = cycle_vfs(policy::QuirkPhase::Final);
  const auto& w = r.m.s.record.warnings;
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w[0].function, KFn::device_rbtree_insert);
  EXPECT_EQ(w[0].condition, "curr");
  for (auto vf : r.m.vfs()) EXPECT_FALSE(r.m.s.kernel.iommu.devs.at(vf).probed);
}

TEST(VtdRbtreeUaf, CheckerReportsTheUseAsAMemorySafetyViolation) {
  auto r = cycle_vfs(policy::QuirkPhase::Final);
  auto v = check::check_history(r.m.s, 0, 0);
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](const check::Violation& x) {
    return x.invariant == 0 && x.detail.find("slab-use-after-free") != std::string::npos;
  }));
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](const check::Violation& x) { return x.invariant == 6; }))
      << "the root cause: pci_ats_supported() differed between probe and release";
}

TEST(VtdRbtreeUaf, HeaderPhaseQuirkKeepsSupportStableAndTheTreeClean) {
  auto r = cycle_vfs(policy::QuirkPhase::Header);
  EXPECT_TRUE(r.m.s.record.bugs.empty());
  EXPECT_TRUE(r.m.s.record.warnings.empty());
  EXPECT_TRUE(r.after_release.empty());
  for (auto vf : r.m.vfs()) {
    EXPECT_TRUE(r.m.s.kernel.iommu.devs.at(vf).probed);
    EXPECT_FALSE(r.m.in_tree(vf)) << "never linked: no ATS at probe";
  }
  EXPECT_TRUE(r.m.s.kernel.vtd.units[0].device_rbtree.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

// A Navi10 dGPU (quirk_amd_harvest_no_ats) hot-plugged behind VT-d: probed from device_add,
// before its FINAL quirk, so the same asymmetry happens without SR-IOV. The PCI core's
// PF-aware support check and fail-early's probe failure do not help: the PF's own prepare succeeds.
System hotplug_twice(policy::AtsVariant v, policy::QuirkPhase phase) {
  auto sw = policy::default_switches(v);
  sw.no_ats_quirk_phase = phase;
  VtdMachine m({.pf = {.vendor = 0x1002, .device = 0x7310, .total_vfs = 0}, .switches = sw, .variant = v, .hotplug = true});
  m.s.kernel.ctx.comm = "irq/pciehp";
  pci::DevId d = pci::hotplug_add(m.s, m.pf_fn);
  pci::hotplug_remove(m.s, d);
  pci::hotplug_add(m.s, m.pf_fn);
  return m.s;
}

TEST(VtdRbtreeUaf, HotPlugOfAFinalQuirkedDeviceHitsItEvenWithFailEarly) {
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::FailEarly}) {
    System s = hotplug_twice(v, policy::QuirkPhase::Final);
    ASSERT_EQ(s.record.bugs.size(), 1u) << policy::name(v);
    const auto& trace = s.record.bugs[0].call_trace;
    EXPECT_NE(std::find(trace.begin(), trace.end(), kernel::KFn::pciehp_configure_device), trace.end());
    EXPECT_EQ(s.record.bugs[0].comm, "irq/pciehp");
  }
}

TEST(VtdRbtreeUaf, HotPlugUnderTheHeaderPhaseIsClean) {
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::FailEarly}) {
    System s = hotplug_twice(v, policy::QuirkPhase::Header);
    EXPECT_TRUE(s.record.bugs.empty()) << policy::name(v);
    EXPECT_TRUE(s.record.warnings.empty());
    EXPECT_TRUE(s.kernel.vtd.units.at(0).device_rbtree.empty());
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
