// iommufd's PASID attach on the VFIO cdev path (issue 18, PASIDs and iommufd), pinned against the
// 2026 trees' drivers/vfio/device_cdev.c (VFIO_DEVICE_ATTACH_PASID / _DETACH_PASID),
// drivers/vfio/iommufd.c (vfio_iommufd_physical_pasid_attach_ioas, _pasid_detach_ioas, _unbind),
// drivers/iommu/iommufd/device.c (iommufd_hwpt_pasid_compat, the pasid_attach entries),
// hw_pagetable.c (IOMMU_HWPT_ALLOC_PASID) and 7.2.13's iommu.c (iommu_attach_device_pasid,
// iommu_replace_device_pasid): each ioctl's return code, the SMMUv3 driver's commit-time
// pci_enable_ats() at a PASID attach with the RID blocked, and each design's answer to its failure.
#include <gtest/gtest.h>

#include <algorithm>

#include "hw/pcie/regs.h"
#include "hw/smmuv3/ste_layout.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/kfunc.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;
using kernel::KFn;
namespace ste = hw::smmuv3::ste;
using hw::smmuv3::field_get;

// A fault rule that never applies (no step has that name): with a rule in the plan the injector
// counts every pci_enable_ats() call (faults.calls), the failed ones included.
constexpr const char* kCountEnables = "pci_enable_ats:step=count-only:nth=1";

struct Machine {
  explicit Machine(AtsVariant v = AtsVariant::Upstream)
      : sc(io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/iommufd-pasid.yaml")),
        s(boot_machine(sc, v, ctx, 1, kCountEnables)) {}
  io::Scenario sc;
  OpContext ctx;
  System s;
  int run(Op op) { return run_op(s, ctx, op); }
  int attach(uint32_t pasid, const char* hwpt, std::string fault = "") {
    return run({.kind = OpKind::IommufdPasidAttach, .device = "acc", .fault = std::move(fault), .hwpt = hwpt, .pasid = pasid});
  }
  int detach(uint32_t pasid) { return run({.kind = OpKind::IommufdPasidDetach, .device = "acc", .pasid = pasid}); }
  int rid_attach(const char* hwpt) { return run({.kind = OpKind::IommufdAttach, .device = "acc", .hwpt = hwpt}); }
  int pasid_dma(uint32_t pasid) {
    return run({.kind = OpKind::PasidDma, .device = "acc", .iova = OpContext::kIovaBase, .write = true, .pasid = pasid});
  }
  pci::DevId acc() { return *resolve(s, ctx, "acc"); }
  iommu::GroupId g() { return iommu::group_of(s, acc()); }
  const iommu::Group& group() { return iommu::group(s, g()); }
  iommufd::HwptId hwpt(const char* name) { return ctx.hwpts.at(name); }
  iommu::DomainId hwpt_domain(const char* name) { return s.kernel.iommufd.hwpts.at(hwpt(name)).domain; }
  bool hw_ats() { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[acc()].fn).cfg).enabled; }
  const smmuv3::Master& master() { return s.kernel.smmuv3.masters.at(s.kernel.smmuv3.master_of.at(acc())); }
  std::array<uint64_t, 8> ste() { return smmuv3::ste_of(s, master().smmu, master().streams.front()); }
  uint32_t enables() { return s.faults.calls[static_cast<size_t>(faults::Point::PciEnableAts)]; }
  const std::vector<uint32_t>& fd_pasids() { return s.kernel.vfio.cdevs.at(acc()).pasids; }
  // Bound (the blocking domain, ATS off); h0 and h1 with IOMMU_HWPT_ALLOC_PASID, h2 without; 4 pages
  // mapped at OpContext::kIovaBase in every HWPT.
  void bound_with_hwpts() {
    ASSERT_EQ(run({.kind = OpKind::IommufdBind, .device = "acc"}), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "h0", .pasid_compat = true}), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "h1", .pasid_compat = true}), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "h2"}), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdMap, .count = 4, .iova = OpContext::kIovaBase}), 0);
    ASSERT_EQ(group().domain, group().blocking_domain);
    ASSERT_FALSE(hw_ats());
  }
};

TEST(IommufdPasid, APasidNeedsAHwptAllocatedWithAllocPasidAndSoDoesTheRidOnceAPasidIsAttached) {
  Machine m;
  m.bound_with_hwpts();
  EXPECT_TRUE(m.s.kernel.iommufd.hwpts.at(m.hwpt("h0")).pasid_compat);
  EXPECT_FALSE(m.s.kernel.iommufd.hwpts.at(m.hwpt("h2")).pasid_compat);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "h3", .nest_parent = true, .pasid_compat = true}),
            -EOPNOTSUPP)
      << "arm_smmu_domain_alloc_paging_flags has no case for NEST_PARENT | PASID";
  const uint32_t enables = m.enables();
  EXPECT_EQ(m.attach(1, "h2"), -EINVAL) << "iommufd_hwpt_pasid_compat: !hwpt->pasid_compat";
  EXPECT_EQ(m.enables(), enables) << "refused before iommu_attach_device_pasid";
  EXPECT_TRUE(m.fd_pasids().empty()) << "the attach's failure gives the PASID back to vdev->pasids";
  EXPECT_TRUE(m.group().pasids.empty());
  ASSERT_EQ(m.attach(1, "h0"), 0);
  EXPECT_EQ(m.rid_attach("h2"), -EINVAL) << "the RID's HWPT lacks the flag while a PASID is attached";
  EXPECT_EQ(m.group().domain, m.group().blocking_domain);
  EXPECT_EQ(m.rid_attach("h1"), 0);
  EXPECT_EQ(m.rid_attach("h2"), -EINVAL) << "a replace to it likewise (iommufd_hwpt_replace_device)";
  EXPECT_EQ(m.group().domain, m.hwpt_domain("h1"));
  // With the RID on a HWPT without the flag, a PASID is refused even to a HWPT with it.
  ASSERT_EQ(m.detach(1), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdDetach, .device = "acc"}), 0);
  ASSERT_EQ(m.rid_attach("h2"), 0) << "no PASID attached: h2 may take the RID";
  EXPECT_EQ(m.attach(1, "h0"), -EINVAL) << "the RID's attach->hwpt lacks pasid_compat";
  EXPECT_EQ(m.attach(1, "nope"), -ENOENT) << "an id no object has";
}

TEST(IommufdPasid, AnAttachWithTheRidBlockedIsACommitTimeEnableAndItsDetachDowngradesToAbort) {
  Machine m;
  m.bound_with_hwpts();
  const uint32_t enables = m.enables();
  ASSERT_EQ(m.attach(1, "h0"), 0);
  EXPECT_EQ(m.enables(), enables + 1) << "arm_smmu_attach_commit -> arm_smmu_enable_ats";
  EXPECT_TRUE(m.hw_ats());
  EXPECT_TRUE(m.master().ats_enabled);
  const auto e = m.ste();
  EXPECT_EQ(field_get(ste::k0Cfg, e[0]), ste::kCfgS1Trans) << "arm_smmu_update_ste: a CD-table STE";
  EXPECT_EQ(field_get(ste::k1S1Dss, e[1]), ste::kS1DssTerminate) << "the RID stays blocked";
  EXPECT_EQ(field_get(ste::k1Eats, e[1]), ste::kEatsTrans);
  EXPECT_EQ(m.group().domain, m.group().blocking_domain) << "the RID is not attached";
  ASSERT_NE(iommu::group_pasid(m.s, m.g(), 1), nullptr);
  EXPECT_EQ(iommu::group_pasid(m.s, m.g(), 1)->domain, m.hwpt_domain("h0"));
  EXPECT_EQ(m.fd_pasids(), std::vector<uint32_t>{1});
  EXPECT_EQ(m.pasid_dma(1), 0) << "through CD 1 and h0's page table";
  EXPECT_NE(m.run({.kind = OpKind::DeviceDma, .device = "acc", .iova = OpContext::kIovaBase, .write = true}), 0)
      << "untagged DMA: S1DSS terminate";
  EXPECT_EQ(m.run({.kind = OpKind::IommufdHwptDestroy, .hwpt = "h0"}), -EBUSY) << "the PASID's attachment holds it";
  EXPECT_EQ(m.attach(1, "h0"), 0) << "in vdev->pasids: iommufd_device_replace to the same HWPT, nothing to do";
  EXPECT_EQ(m.enables(), enables + 1);
  ASSERT_EQ(m.detach(1), 0);
  EXPECT_TRUE(m.s.record.warnings.empty());
  EXPECT_FALSE(m.hw_ats()) << "the last PASID gone: the blocked domain attached again, ATS off";
  EXPECT_EQ(field_get(ste::k0Cfg, m.ste()[0]), ste::kCfgAbort);
  EXPECT_TRUE(m.group().pasids.empty());
  EXPECT_TRUE(m.fd_pasids().empty());
  EXPECT_EQ(m.detach(1), 0) << "!ida_exists: nothing, and no error";
  EXPECT_EQ(m.run({.kind = OpKind::IommufdHwptDestroy, .hwpt = "h0"}), 0);
}

TEST(IommufdPasid, AReplaceMovesThePasidWithoutAnEnableAndTheRidsDomainDecidesTheDetachsDowngrade) {
  Machine m;
  m.bound_with_hwpts();
  ASSERT_EQ(m.attach(1, "h0"), 0);
  ASSERT_EQ(m.rid_attach("h1"), 0);
  const uint32_t enables = m.enables();
  ASSERT_EQ(m.attach(1, "h1"), 0) << "iommufd_device_replace -> iommu_replace_device_pasid";
  EXPECT_EQ(m.enables(), enables) << "ATS on already: the replace's commit does not enable";
  EXPECT_EQ(iommu::group_pasid(m.s, m.g(), 1)->domain, m.hwpt_domain("h1"));
  EXPECT_EQ(m.run({.kind = OpKind::IommufdHwptDestroy, .hwpt = "h0"}), 0) << "the PASID's reference moved to h1";
  EXPECT_EQ(m.pasid_dma(1), 0);
  ASSERT_EQ(m.detach(1), 0);
  EXPECT_TRUE(m.hw_ats()) << "the RID is paging: no downgrade";
  EXPECT_EQ(m.group().domain, m.hwpt_domain("h1"));
  ASSERT_EQ(m.run({.kind = OpKind::IommufdDetach, .device = "acc"}), 0);
  EXPECT_FALSE(m.hw_ats());
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(IommufdPasid, TheCoresReplaceRefusesWhatTheKernelRefuses) {
  Machine m;
  m.bound_with_hwpts();
  EXPECT_EQ(iommu::replace_device_pasid(m.s, m.hwpt_domain("h0"), m.acc(), 1), -EINVAL) << "no entry: not a replace";
  EXPECT_EQ(iommu::replace_device_pasid(m.s, m.hwpt_domain("h0"), m.acc(), 0), -EINVAL) << "IOMMU_NO_PASID";
  ASSERT_EQ(m.attach(1, "h0"), 0);
  EXPECT_EQ(iommu::replace_device_pasid(m.s, m.hwpt_domain("h0"), m.acc(), 1), 0) << "the same domain: no driver call";
  // On a fd not bound, both ioctls are refused as the RID's are.
  Machine fresh;
  EXPECT_EQ(fresh.attach(1, "h0"), -EINVAL) << "no access granted on the fd";
  EXPECT_EQ(fresh.detach(1), -EINVAL);
}

TEST(IommufdPasid, TheCloseDetachesTheFdsPasidsBeforeTheRidAndReleasesOwnership) {
  Machine m;
  m.bound_with_hwpts();
  ASSERT_EQ(m.attach(2, "h0"), 0);
  ASSERT_EQ(m.attach(1, "h1"), 0);
  ASSERT_EQ(m.rid_attach("h0"), 0);
  EXPECT_EQ(m.fd_pasids(), (std::vector<uint32_t>{1, 2}));
  ASSERT_EQ(m.run({.kind = OpKind::IommufdUnbind, .device = "acc"}), 0);
  EXPECT_TRUE(m.s.record.warnings.empty())
      << "iommu_device_release_dma_owner WARNs with a pasid_array left: the PASIDs went first";
  EXPECT_TRUE(m.group().pasids.empty());
  EXPECT_EQ(m.group().domain, m.group().default_domain);
  EXPECT_EQ(m.group().owner_cnt, 0);
  EXPECT_FALSE(m.s.kernel.vfio.cdevs.contains(m.acc()));
  EXPECT_EQ(m.s.kernel.iommufd.hwpts.at(m.hwpt("h0")).users, 0u);
  EXPECT_EQ(m.s.kernel.iommufd.hwpts.at(m.hwpt("h1")).users, 0u);
}

// The seed's premise on this path: the PASID attach's commit-time pci_enable_ats() fails.
TEST(IommufdPasid, UpstreamRecordsTheFailedEnableAndThePasidDetachMeetsTheSeedsWarn) {
  Machine m(AtsVariant::Upstream);
  m.bound_with_hwpts();
  ASSERT_EQ(m.attach(2, "h0", "pci_enable_ats"), 0) << "arm_smmu_set_pasid returns prepare's result";
  EXPECT_FALSE(m.hw_ats());
  EXPECT_TRUE(m.master().ats_enabled) << "recorded as on";
  EXPECT_EQ(field_get(ste::k1Eats, m.ste()[1]), ste::kEatsTrans);
  ASSERT_TRUE(m.s.record.warnings.empty());
  ASSERT_EQ(m.detach(2), 0) << "VFIO_DEVICE_DETACH_IOMMUFD_PT returns 0 whatever happens below";
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  EXPECT_EQ(w.call_trace,
            (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare, KFn::arm_smmu_attach_dev_ste,
                              KFn::arm_smmu_attach_dev_blocked, KFn::arm_smmu_blocking_set_dev_pasid,
                              KFn::iommu_remove_dev_pasid, KFn::iommu_detach_device_pasid,
                              KFn::iommufd_hw_pagetable_detach, KFn::vfio_iommufd_physical_pasid_detach_ioas,
                              KFn::vfio_df_ioctl_detach_pt}));
  EXPECT_FALSE(m.master().ats_enabled);
}

TEST(IommufdPasid, FailEarlyWarnsAtTheAttachSeriesV3DoesAsUpstream) {
  Machine fe(AtsVariant::FailEarly);
  fe.bound_with_hwpts();
  ASSERT_EQ(fe.attach(2, "h0", "pci_enable_ats"), 0);
  ASSERT_EQ(fe.s.record.warnings.size(), 1u);
  EXPECT_EQ(fe.s.record.warnings[0].function, KFn::arm_smmu_enable_ats);
  const auto& t = fe.s.record.warnings[0].call_trace;
  EXPECT_EQ(t.back(), KFn::vfio_df_ioctl_attach_pt);
  EXPECT_NE(std::find(t.begin(), t.end(), KFn::vfio_iommufd_physical_pasid_attach_ioas), t.end());
  EXPECT_NE(std::find(t.begin(), t.end(), KFn::arm_smmu_set_pasid), t.end());
  ASSERT_EQ(fe.detach(2), 0);
  EXPECT_EQ(fe.s.record.warnings.size(), 2u) << "and the seed's WARN at the detach";
  Machine v3(AtsVariant::SeriesV3);
  v3.bound_with_hwpts();
  ASSERT_EQ(v3.attach(2, "h0", "pci_enable_ats"), 0) << "the function's pci_prepare_ats() succeeded: the gate is open";
  EXPECT_TRUE(v3.master().ats_enabled);
  ASSERT_EQ(v3.detach(2), 0);
  EXPECT_EQ(v3.s.record.warnings.size(), 1u);
}

TEST(IommufdPasid, RollbackFailsTheAttachAndVfioGivesThePasidBack) {
  Machine m(AtsVariant::Rollback);
  m.bound_with_hwpts();
  EXPECT_EQ(m.attach(2, "h0", "pci_enable_ats"), -EINVAL) << "the commit's failure reaches the ioctl";
  EXPECT_TRUE(m.s.record.warnings.empty());
  EXPECT_TRUE(m.fd_pasids().empty()) << "ida_free after iommufd_device_attach failed";
  EXPECT_TRUE(m.group().pasids.empty()) << "xa_release of the pasid_array entry";
  EXPECT_TRUE(m.s.kernel.iommufd.igroups.at(m.s.kernel.iommufd.devices.at(m.s.kernel.vfio.cdevs.at(m.acc()).idev).igroup)
                  .pasid_attach.empty());
  EXPECT_FALSE(m.hw_ats());
  EXPECT_FALSE(m.master().ats_enabled);
  EXPECT_EQ(field_get(ste::k0Cfg, m.ste()[0]), ste::kCfgAbort) << "the blocked RID's STE back";
  EXPECT_NE(m.pasid_dma(2), 0);
  EXPECT_EQ(m.detach(2), 0) << "not the fd's: nothing";
  ASSERT_EQ(m.attach(2, "h0"), 0) << "an attach again, which enables";
  EXPECT_TRUE(m.hw_ats());
}

TEST(IommufdPasid, VtdStyleRecordsTheFailureAndItsDetachDoesNotWarn) {
  Machine m(AtsVariant::VtdStyle);
  m.bound_with_hwpts();
  ASSERT_EQ(m.attach(2, "h0", "pci_enable_ats"), 0);
  EXPECT_FALSE(m.master().ats_enabled);
  EXPECT_EQ(field_get(ste::k1Eats, m.ste()[1]), ste::kEatsTrans) << "the STE was written with prepare's decision";
  ASSERT_EQ(m.detach(2), 0);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

// Behind VT-d and AMD-Vi: iommufd's PASID attach reaches intel_iommu_set_dev_pasid (scalable), the
// core's max_pasids skip (legacy) or iommu_attach_device_pasid's -EOPNOTSUPP (AMD-Vi's paging
// domains have no set_dev_pasid); none of them calls pci_enable_ats().
TEST(IommufdPasid, BehindVtdAndAmdNoPasidAttachOrDetachCallsPciEnableAts) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/pasid-vtd-amd.yaml");
  for (AtsVariant v : {AtsVariant::Upstream, AtsVariant::FailEarly}) {
    OpContext ctx;
    System s = boot_machine(sc, v, ctx, 1, kCountEnables);
    for (const char* d : {"s", "l", "a"}) {
      SCOPED_TRACE(d);
      ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Unbind, .device = d}), 0);
      ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = d, .driver = "vfio-pci"}), 0);
      ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::IommufdBind, .device = d}), 0);
      ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::IommufdHwptAlloc, .device = d, .hwpt = d, .pasid_compat = true}), 0);
      const uint32_t enables = s.faults.calls[static_cast<size_t>(faults::Point::PciEnableAts)];
      const int ret = run_op(s, ctx, {.kind = OpKind::IommufdPasidAttach, .device = d, .fault = "pci_enable_ats", .hwpt = d, .pasid = 1});
      EXPECT_EQ(ret, d == std::string("a") ? -EOPNOTSUPP : 0)
          << "scalable: intel_iommu_set_dev_pasid; legacy: 0 from the core (max_pasids 0); AMD-Vi: no set_dev_pasid";
      EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::IommufdPasidDetach, .device = d, .pasid = 1}), 0);
      EXPECT_EQ(s.faults.calls[static_cast<size_t>(faults::Point::PciEnableAts)], enables);
    }
    EXPECT_TRUE(s.record.warnings.empty());
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
