// intel_iommu_probe_device (spec 5.1): what the info records, pci_prepare_ats,
// and when the device enters the per-unit rbtree.
#include "vtd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace ats = hw::pcie::ats;

TEST(VtdProbe, PfRecordsAtsSupportPfsidAndQueueDepthAndJoinsTheRbtree) {
  VtdMachine m({.pf = {.qdep = 8}});
  const auto& in = m.info(m.pf());
  EXPECT_TRUE(in.ats_supported);
  EXPECT_EQ(in.pfsid, m.s.kernel.devs[m.pf()].bdf.rid());
  EXPECT_EQ(in.ats_qdep, 8);
  EXPECT_TRUE(m.in_tree(m.pf()));
  // pci_prepare_ats(pdev, VTD_PAGE_SHIFT): the STU is programmed, Enable stays clear.
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 12);
  // Probe writes the STU with Enable clear; Enable comes later, from probe_finalize.
  std::vector<uint16_t> ctrl;
  uint16_t at = static_cast<uint16_t>(m.s.kernel.devs[m.pf()].ats_cap + ats::kCtrl);
  for (const auto& e : m.s.record.events)
    if (e.kind == kernel::EventKind::ConfigWrite && e.dev == m.pf() && e.a == at) ctrl.push_back(static_cast<uint16_t>(e.b));
  EXPECT_EQ(ctrl, (std::vector<uint16_t>{0x0000, ats::kCtrlEnable}));
}

TEST(VtdProbe, QueueDepthFieldZeroMeans32) {
  VtdMachine m({.pf = {.qdep = 0}});
  EXPECT_EQ(m.info(m.pf()).ats_qdep, 32);
}

TEST(VtdProbe, VfTakesItsPfsSourceIdAndSharesItsQueue) {
  VtdMachine m;
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 2), 0);
  auto vfs = m.vfs();
  ASSERT_EQ(vfs.size(), 2u);
  for (auto vf : vfs) {
    EXPECT_TRUE(m.info(vf).ats_supported);
    EXPECT_EQ(m.info(vf).pfsid, m.s.kernel.devs[m.pf()].bdf.rid());
    EXPECT_EQ(m.info(vf).ats_qdep, 0) << "pci_ats_queue_depth() is 0 for a VF";
    EXPECT_TRUE(m.in_tree(vf));
  }
  EXPECT_EQ(m.s.kernel.vtd.units[0].device_rbtree.size(), 3u);
}

TEST(VtdProbe, NoPfsidWithoutDeviceIotlbThrottling) {
  VtdMachine m({.unit = {.ecap_dit = false}});
  EXPECT_TRUE(m.info(m.pf()).ats_supported);
  EXPECT_EQ(m.info(m.pf()).pfsid, 0);
}

TEST(VtdProbe, WithoutAtsCapabilityNothingIsPreparedAndTheRbtreeStaysEmpty) {
  VtdMachine m({.pf = {.ats = false}});
  EXPECT_FALSE(m.info(m.pf()).ats_supported);
  EXPECT_FALSE(m.in_tree(m.pf()));
  EXPECT_TRUE(m.s.kernel.vtd.units[0].device_rbtree.empty());
}

TEST(VtdProbe, UntrustedDeviceIsNotPreparedNorIndexed) {
  VtdMachine m({.external_facing = true});
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].untrusted);
  EXPECT_FALSE(m.info(m.pf()).ats_supported);
  EXPECT_FALSE(m.in_tree(m.pf()));
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 0);
}

TEST(VtdProbe, UnitWithoutDeviceIotlbStillPreparesAndIndexesAnAtsCapableDevice) {
  // The rbtree and pci_prepare_ats hang off pci_ats_supported() alone, not off the unit's ECAP.DT.
  VtdMachine m({.unit = {.ecap_dt = false}});
  EXPECT_FALSE(m.info(m.pf()).ats_supported);
  EXPECT_TRUE(m.in_tree(m.pf()));
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 12);
  EXPECT_FALSE(m.hw_ats_on(m.pf()));
}

// A VF whose PF was never prepared (E2000 PF quirked off at boot), with VF STU validation on:
// pci_prepare_ats(vf) fails.
VtdSpec e2000(policy::AtsVariant v, policy::PciCoreSwitches sw) {
  return {.pf = {.vendor = 0x8086, .device = 0x1452, .vf_device = 0x1457, .revision = 0x11},
          .switches = sw,
          .variant = v};
}

TEST(VtdProbe, UpstreamIgnoresAPrepareFailureAndIndexesTheVfAnyway) {
  VtdMachine m(e2000(policy::AtsVariant::Upstream, {.vf_stu_validation = true}));
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 1), 0);
  auto vf = m.vfs().at(0);
  EXPECT_TRUE(m.s.kernel.iommu.devs.at(vf).probed);
  EXPECT_TRUE(m.info(vf).ats_supported);
  EXPECT_TRUE(m.in_tree(vf));
}

TEST(VtdProbe, FailEarlyFailsTheProbeWhenPrepareFailsBeforeTouchingTheRbtree) {
  VtdMachine m(e2000(policy::AtsVariant::FailEarly, {.vf_stu_validation = true}));
  m.s.kernel.devs[m.pf()].driver_bound = true;
  pci::sriov_numvfs_store(m.s, m.pf(), 1);
  auto vf = m.vfs().at(0);
  EXPECT_FALSE(m.s.kernel.iommu.devs.at(vf).probed);
  EXPECT_EQ(vtd::info_of(m.s, vf), vtd::kNone);
  EXPECT_EQ(m.s.kernel.vtd.units[0].device_rbtree.size(), 0u) << "the PF was quirked off, the VF never linked";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
