// The VFIO cdev path with iommufd (issue 18, path 4), pinned against drivers/vfio/device_cdev.c,
// drivers/vfio/iommufd.c, drivers/iommu/iommufd/device.c and iommu.c's *_group_handle and
// iommu_device_{claim,release}_dma_owner: each ioctl's return code, the domain the group lands on,
// what the SMMUv3 driver does with ATS there, and where the seed's WARN comes from on this path.
#include <gtest/gtest.h>

#include <algorithm>

#include "hw/pcie/atc.h"
#include "hw/pcie/regs.h"
#include "hw/smmuv3/ste_layout.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/kfunc.h"
#include "sim/ops.h"
#include "linux/vfio/device_cdev.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

struct Machine {
  explicit Machine(AtsVariant v = AtsVariant::Upstream)
      : sc(io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/iommufd.yaml")), s(boot_machine(sc, v, ctx, 1, "")) {}
  io::Scenario sc;
  OpContext ctx;
  System s;
  int run(Op op) { return run_op(s, ctx, op); }
  int run(OpKind k, const char* hwpt = "h0", std::string fault = "") {
    return run_op(s, ctx, {.kind = k, .device = "nic", .fault = std::move(fault), .hwpt = hwpt});
  }
  pci::DevId nic() { return *resolve(s, ctx, "nic"); }
  iommu::GroupId g() { return iommu::group_of(s, nic()); }
  const iommu::Group& group() { return iommu::group(s, g()); }
  iommu::DomainId hwpt_domain(const char* name) { return s.kernel.iommufd.hwpts.at(ctx.hwpts.at(name)).domain; }
  bool hw_ats() { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[nic()].fn).cfg).enabled; }
  bool belief() { return s.kernel.smmuv3.masters.at(s.kernel.smmuv3.master_of.at(nic())).ats_enabled; }
  // Bound, two HWPTs, four pages mapped in the IOAS.
  void bound_with_two_hwpts() {
    ASSERT_EQ(run(OpKind::IommufdBind), 0);
    ASSERT_EQ(run(OpKind::IommufdHwptAlloc, "h0"), 0);
    ASSERT_EQ(run(OpKind::IommufdHwptAlloc, "h1"), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdMap, .count = 4}), 0);
  }
  // The STEs the step wrote for the NIC had EATS=TRANS, every one.
  bool every_ste_since_kept_eats(size_t from) {
    for (size_t i = from; i < s.record.events.size(); ++i) {
      const auto& e = s.record.events[i];
      if (e.kind == kernel::EventKind::SteWrite && hw::smmuv3::field_get(hw::smmuv3::ste::k1Eats, static_cast<uint64_t>(e.b)) !=
                                                       hw::smmuv3::ste::kEatsTrans)
        return false;
    }
    return true;
  }
};

TEST(IommufdCdev, BindClaimsDmaOwnershipPerDeviceAndMovesTheGroupToBlocked) {
  Machine m;
  ASSERT_TRUE(m.hw_ats()) << "vfio-pci at boot: the default DMA domain has ATS on";
  ASSERT_EQ(m.run(OpKind::IommufdBind), 0);
  EXPECT_EQ(m.group().domain, m.group().blocking_domain);
  EXPECT_EQ(m.group().owner_cnt, 1);
  EXPECT_NE(m.group().owner, 0u);
  EXPECT_FALSE(m.hw_ats()) << "the blocked attach disables ATS";
  EXPECT_FALSE(m.belief());
  EXPECT_EQ(m.run(OpKind::IommufdBind), -EINVAL) << "one device cannot be bound twice";
}

TEST(IommufdCdev, TheCdevAndTheGroupPathExcludeEachOther) {
  Machine m;
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "nic"}), 0);
  EXPECT_EQ(m.run(OpKind::IommufdBind), -EBUSY) << "vfio_device_block_group: the group is in use";
  ASSERT_EQ(m.run({.kind = OpKind::VfioUnsetContainer, .device = "nic"}), 0);
  ASSERT_EQ(m.run(OpKind::IommufdBind), 0);
  EXPECT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "nic"}), -EBUSY) << "vfio_group_fops_open: cdev_device_open_cnt";
}

TEST(IommufdCdev, IoctlsBeforeBindAndWithoutVfioPciAreRefusedAsTheKernelRefusesThem) {
  Machine m;
  EXPECT_EQ(m.run(OpKind::IommufdHwptAlloc), -ENOENT) << "dev_id names no iommufd device";
  EXPECT_EQ(m.run(OpKind::IommufdAttach), -EINVAL) << "no access granted on the fd before BIND_IOMMUFD";
  EXPECT_EQ(m.run(OpKind::IommufdDetach), -EINVAL);
  EXPECT_EQ(m.run(OpKind::IommufdUnbind), -EBADF) << "no bound fd to close";
  ASSERT_EQ(m.run({.kind = OpKind::Unbind, .device = "nic"}), 0);
  EXPECT_EQ(m.run(OpKind::IommufdBind), -ENODEV) << "no vfio-pci: no cdev";
}

TEST(IommufdCdev, AttachFromBlockedEnablesAtsAndAReplaceMovesPagingToPagingWithoutBlocked) {
  Machine m;
  m.bound_with_two_hwpts();
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h0"), 0);
  EXPECT_EQ(m.group().domain, m.hwpt_domain("h0"));
  EXPECT_TRUE(m.hw_ats());
  EXPECT_EQ(m.run({.kind = OpKind::DeviceDma, .device = "nic", .iova = OpContext::kIovaBase, .write = true}), 0);
  const size_t before = m.s.record.events.size();
  const uint32_t enables = m.s.faults.calls[static_cast<size_t>(faults::Point::PciEnableAts)];
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h1"), 0) << "a second ATTACH_IOMMUFD_PT is iommufd_device_replace";
  EXPECT_EQ(m.group().domain, m.hwpt_domain("h1"));
  EXPECT_TRUE(m.every_ste_since_kept_eats(before)) << "never through the blocking domain";
  EXPECT_EQ(m.s.faults.calls[static_cast<size_t>(faults::Point::PciEnableAts)], enables) << "ATS on already: no enable";
  EXPECT_TRUE(m.hw_ats());
  EXPECT_EQ(m.run(OpKind::IommufdAttach, "h1"), 0) << "the same HWPT: nothing to do";
  EXPECT_EQ(m.run({.kind = OpKind::IommufdHwptDestroy, .hwpt = "h1"}), -EBUSY) << "attached: the HWPT is in use";
  EXPECT_EQ(m.run({.kind = OpKind::IommufdHwptDestroy, .hwpt = "h0"}), 0) << "replaced away from: free";
}

TEST(IommufdCdev, DetachGoesToBlockedAndCloseReleasesOwnershipToTheDefaultDomain) {
  Machine m;
  m.bound_with_two_hwpts();
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h0"), 0);
  ASSERT_EQ(m.run(OpKind::IommufdDetach), 0);
  EXPECT_EQ(m.group().domain, m.group().blocking_domain);
  EXPECT_FALSE(m.hw_ats());
  EXPECT_EQ(m.run(OpKind::IommufdDetach), 0) << "not attached: nothing, and no error";
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h1"), 0) << "after a detach, an attach again (not a replace)";
  ASSERT_EQ(m.run(OpKind::IommufdUnbind), 0) << "close: vfio_iommufd_physical_unbind detaches, then unbinds";
  EXPECT_EQ(m.group().domain, m.group().default_domain);
  EXPECT_EQ(m.group().owner_cnt, 0);
  EXPECT_EQ(m.group().owner, 0u);
  EXPECT_TRUE(m.hw_ats()) << "the default DMA domain enables ATS again";
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(IommufdCdev, VfioPciLettingGoOfABoundDeviceClosesItsCdevFirst) {
  Machine m;
  m.bound_with_two_hwpts();
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h0"), 0);
  ASSERT_EQ(m.run({.kind = OpKind::Unbind, .device = "nic"}), 0);
  EXPECT_TRUE(m.s.kernel.vfio.cdevs.empty());
  EXPECT_EQ(m.group().owner_cnt, 0);
  EXPECT_EQ(m.group().domain, m.group().default_domain);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

// vfio_pci_core_enable (the bind's first open) and vfio_pci_core_disable (the last close) each
// reset the function: an FLR written to Device Control. At the bind the group is on its blocking
// domain already; at the close it is still on its HWPT, so on the 2026 core the reset's done
// attaches it back there: one more commit-time pci_enable_ats() before the unbind's detach.
TEST(IommufdCdev, BindAndCloseResetTheFunctionAndTheClosesResetEnablesAtsAgain) {
  Machine m;
  const auto flrs_since = [&](size_t from) {
    size_t n = 0;
    const hw::pcie::FnId fn = m.s.kernel.devs[m.nic()].fn;
    const uint16_t devctl = m.s.kernel.devs[m.nic()].pcie_cap + hw::pcie::exp::kDevCtl;
    for (size_t i = from; i < m.s.record.events.size(); ++i) {
      const auto& e = m.s.record.events[i];
      n += e.kind == kernel::EventKind::ConfigWrite && e.dev == fn && e.a == devctl && (e.b & hw::pcie::exp::kDevCtlBcrFlr);
    }
    return n;
  };
  ASSERT_EQ(m.run(OpKind::IommufdBind), 0);
  EXPECT_EQ(flrs_since(0), 1u) << "vfio_pci_core_enable's pci_try_reset_function";
  EXPECT_TRUE(m.s.kernel.vfio.cdevs.at(m.nic()).reset_works);
  ASSERT_EQ(m.run(OpKind::IommufdHwptAlloc, "h0"), 0);
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h0"), 0);
  const size_t before = m.s.record.events.size();
  ASSERT_EQ(m.run(OpKind::IommufdUnbind), 0);
  EXPECT_EQ(flrs_since(before), 1u) << "vfio_pci_core_disable's __pci_reset_function_locked";
  size_t enables = 0;
  for (size_t i = before; i < m.s.record.events.size(); ++i)
    enables += m.s.record.events[i].kind == kernel::EventKind::AttachCommitEnd;
  EXPECT_EQ(enables, 4u) << "the reset's blocked attach, its attach back to h0, the unbind's detach to blocked, "
                            "and iommu_device_release_dma_owner's default domain";
  EXPECT_EQ(m.group().domain, m.group().default_domain);
  EXPECT_TRUE(m.hw_ats());
  EXPECT_TRUE(m.s.record.warnings.empty());
}

// The close's reset is a road to the seed's WARN of its own: its attach back to the HWPT fails
// pci_enable_ats, the driver records ATS on (upstream), and the unbind's detach to blocked calls
// pci_disable_ats() on a function whose ATS is off.
TEST(IommufdCdev, UpstreamTheClosesResetFailingItsEnableMeetsTheSeedsWarnAtTheUnbindsDetach) {
  Machine m(AtsVariant::Upstream);
  ASSERT_EQ(m.run(OpKind::IommufdBind), 0);
  ASSERT_EQ(m.run(OpKind::IommufdHwptAlloc, "h0"), 0);
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h0"), 0);
  ASSERT_EQ(m.run(OpKind::IommufdUnbind, "h0", "pci_enable_ats"), 0);
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings[0];
  using kernel::KFn;
  EXPECT_EQ(w.function, KFn::pci_disable_ats);
  EXPECT_EQ(w.call_trace.back(), KFn::vfio_df_unbind_iommufd);
  EXPECT_NE(std::find(w.call_trace.begin(), w.call_trace.end(), KFn::iommufd_hw_pagetable_detach), w.call_trace.end())
      << "the unbind's detach, after the reset";
  // Rollback fails the reset's attach back: pci_dev_reset_iommu_done's WARN, the device left on
  // the blocking domain while the core's group->domain is still h0.
  Machine rb(AtsVariant::Rollback);
  ASSERT_EQ(rb.run(OpKind::IommufdBind), 0);
  ASSERT_EQ(rb.run(OpKind::IommufdHwptAlloc, "h0"), 0);
  ASSERT_EQ(rb.run(OpKind::IommufdAttach, "h0"), 0);
  ASSERT_EQ(rb.run(OpKind::IommufdUnbind, "h0", "pci_enable_ats"), 0);
  ASSERT_FALSE(rb.s.record.warnings.empty());
  EXPECT_EQ(rb.s.record.warnings[0].function, KFn::pci_dev_reset_iommu_done);
}

TEST(IommufdCdev, UpstreamRecordsAFailedEnableAtAttachAndTheDetachHitsTheSeedsWarn) {
  Machine m(AtsVariant::Upstream);
  m.bound_with_two_hwpts();
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h0", "pci_enable_ats"), 0) << "the driver's commit cannot fail";
  EXPECT_FALSE(m.hw_ats());
  EXPECT_TRUE(m.belief()) << "recorded as on";
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h1"), 0);
  EXPECT_FALSE(m.hw_ats()) << "the replace does not try again: the driver believes ATS is on";
  ASSERT_TRUE(m.s.record.warnings.empty());
  ASSERT_EQ(m.run(OpKind::IommufdDetach), 0);
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  using kernel::KFn;
  EXPECT_EQ(w.call_trace,
            (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare, KFn::arm_smmu_attach_dev_ste,
                              KFn::arm_smmu_attach_dev_blocked, KFn::__iommu_attach_device,
                              KFn::__iommu_group_set_domain_internal, KFn::iommu_detach_group_handle,
                              KFn::iommufd_hw_pagetable_detach, KFn::vfio_iommufd_physical_detach_ioas,
                              KFn::vfio_df_ioctl_detach_pt}));
}

TEST(IommufdCdev, RollbackFailsTheAttachSoTheNextAttachIsNotAReplace) {
  Machine m(AtsVariant::Rollback);
  m.bound_with_two_hwpts();
  const int ret = m.run(OpKind::IommufdAttach, "h0", "pci_enable_ats");
  EXPECT_LT(ret, 0) << "the commit's failure reaches VFIO_DEVICE_ATTACH_IOMMUFD_PT";
  EXPECT_EQ(m.group().domain, m.group().blocking_domain) << "__iommu_group_set_domain put the group back";
  EXPECT_FALSE(m.s.kernel.vfio.cdevs.at(m.nic()).iommufd_attached);
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h1"), 0);
  EXPECT_TRUE(m.hw_ats());
  EXPECT_TRUE(m.belief());
}

TEST(IommufdCdev, VtdStyleRecordsTheFailureAndTheReplaceEnablesAts) {
  Machine m(AtsVariant::VtdStyle);
  m.bound_with_two_hwpts();
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h0", "pci_enable_ats"), 0);
  EXPECT_FALSE(m.hw_ats());
  EXPECT_FALSE(m.belief());
  ASSERT_EQ(m.run(OpKind::IommufdAttach, "h1"), 0);
  EXPECT_TRUE(m.hw_ats()) << "paging domain, ATS recorded off: the replace's commit enables it";
  EXPECT_TRUE(m.belief());
}

TEST(IommufdCdev, AKernelDriverOnTheDefaultDomainHoldsTheGroupAgainstADmaOwner) {
  Machine m;
  ASSERT_EQ(m.run({.kind = OpKind::Unbind, .device = "nic"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::Bind, .device = "nic", .driver = "native"}), 0);
  EXPECT_EQ(iommu::device_claim_dma_owner(m.s, m.nic(), 0x1234), -EPERM) << "a driver uses the default domain";
}

TEST(IommufdCdev, AnAttachWhileTheGroupsDeviceIsBeingResetGetsEbusy) {
  Machine m;
  m.bound_with_two_hwpts();
  // sysfs reset of the NIC: pci_dev_reset_iommu_prepare parks it on blocked and raises the group's
  // recovery count; another CPU's ATTACH_IOMMUFD_PT during the FLR wait (no group mutex held) is
  // refused as the 2026 core refuses an attach while a device of the group resets.
  Op reset{.kind = OpKind::Reset, .device = "nic"};
  reset.nested.push_back({.at = kernel::PreemptPoint::FlrWait, .op = {.kind = OpKind::IommufdAttach, .device = "nic", .hwpt = "h0"}});
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(m.run(reset), 0);
  int nested = 1;
  for (size_t i = from; i < m.s.record.events.size(); ++i)
    if (m.s.record.events[i].kind == kernel::EventKind::InterleaveEnd) nested = static_cast<int>(m.s.record.events[i].a);
  EXPECT_EQ(nested, -EBUSY);
  EXPECT_FALSE(m.s.kernel.vfio.cdevs.at(m.nic()).iommufd_attached);
  EXPECT_EQ(m.group().domain, m.group().blocking_domain) << "done attaches the NIC back to the group's domain: blocked";
}

TEST(IommufdCdev, VfsShareTheirBussDevSetAndSriovDisableClosesTheirCdevs) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  OpContext ctx;
  System s = boot_machine(sc, AtsVariant::SeriesV3, ctx, 1, "");
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  for (const char* vf : {"pf.vf0", "pf.vf1"}) {
    run_op(s, ctx, {.kind = OpKind::Unbind, .device = vf});  // whatever bound at creation
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = vf, .driver = "vfio-pci"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::IommufdBind, .device = vf}), 0);
  }
  const pci::DevId vf0 = *resolve(s, ctx, "pf.vf0"), vf1 = *resolve(s, ctx, "pf.vf1");
  EXPECT_EQ(vfio::dev_set_of(s, vf0), vfio::dev_set_of(s, vf1)) << "vfio_assign_device_set(vdev, pdev->bus)";
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::IommufdHwptAlloc, .device = "pf.vf0", .hwpt = "h0"}), 0);
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::IommufdAttach, .device = "pf.vf0", .hwpt = "h0"}), 0);
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::IommufdAttach, .device = "pf.vf1", .hwpt = "h0"}), 0)
      << "another group, the same HWPT: its own attach";
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovDisable, .device = "pf"}), 0);
  EXPECT_TRUE(s.kernel.vfio.cdevs.empty()) << "vfio-pci's remove closed both cdevs";
  for (const auto& ig : s.kernel.iommufd.igroups) EXPECT_EQ(ig.refs, 0u);
  EXPECT_EQ(s.kernel.iommufd.hwpts.at(ctx.hwpts.at("h0")).users, 0u);
  EXPECT_TRUE(s.record.warnings.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
