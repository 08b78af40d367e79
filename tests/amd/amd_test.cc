// The AMD-Vi driver's ATS handling (spec 5.2): probe flags and pci_prepare_ats,
// pdev_enable_caps order, dev_data->ats_enabled only on success, the IOTLB
// flush with ats_qdep, no pci_disable_ats WARN, and the proposed change.
#include "../support/vfio_bind.h"
#include "linux/vfio/vfio.h"
#include "amd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace regs = hw::pcie;

TEST(AmdProbe, FlagsComeFromPdevGetCapsAndPrepareProgramsTheStu) {
  AmdMachine m({.pf = {.pri = true, .pasid = true}});
  const auto& dd = m.data(m.pf());
  EXPECT_TRUE(dd.flags & amd::kAtsSup);
  EXPECT_TRUE(dd.flags & amd::kPriSup);
  EXPECT_TRUE(dd.flags & amd::kPasidSup);
  EXPECT_TRUE(dd.flags & amd::kPasidExecSup);
  EXPECT_FALSE(dd.flags & amd::kPasidPrivSup);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 12);
}

TEST(AmdProbe, UpstreamPreparesEveryDeviceAndIgnoresTheFailure) {
  AmdMachine m({.pf = {.ats = false}});
  EXPECT_FALSE(m.data(m.pf()).flags & amd::kAtsSup);
  EXPECT_TRUE(m.s.kernel.iommu.devs.at(m.pf()).probed) << "pci_prepare_ats returned -EINVAL, ignored";
  EXPECT_FALSE(m.data(m.pf()).ats_enabled);
}

TEST(AmdProbe, FailEarlyAsksSupportFirstSoANonAtsDeviceStillProbes) {
  AmdMachine m({.pf = {.ats = false}, .variant = policy::AtsVariant::FailEarly});
  EXPECT_TRUE(m.s.kernel.iommu.devs.at(m.pf()).probed);
}

AmdSpec e2000(policy::AtsVariant v, policy::PciCoreSwitches sw = {}) {
  return {.pf = {.vendor = 0x8086, .device = 0x1452, .vf_device = 0x1457, .revision = 0x11}, .switches = sw, .variant = v};
}

TEST(AmdProbe, FailEarlyFailsTheProbeWhenPrepareFails) {
  AmdMachine m(e2000(policy::AtsVariant::FailEarly, {.vf_stu_validation = true}));
  m.s.kernel.devs[m.pf()].driver_bound = true;
  pci::sriov_numvfs_store(m.s, m.pf(), 1);
  auto vf = m.vfs().at(0);
  EXPECT_FALSE(m.s.kernel.iommu.devs.at(vf).probed);
  EXPECT_EQ(amd::dev_data_of(m.s, vf), amd::kNone);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(AmdCaps, AttachEnablesPasidThenAtsThenPriAndRecordsTheQueueDepth) {
  AmdMachine m({.pf = {.qdep = 4, .pri = true, .pasid = true}});
  auto pf = m.pf();
  const auto& p = m.s.kernel.devs[pf];
  const auto& dd = m.data(pf);
  EXPECT_TRUE(dd.pasid_enabled && dd.ats_enabled && dd.pri_enabled);
  EXPECT_EQ(dd.ats_qdep, 4);
  EXPECT_TRUE(m.hw_ats_on(pf));
  std::vector<int64_t> want = {p.pasid_cap + regs::pasid::kCtrl, p.ats_cap + regs::ats::kCtrl, p.pri_cap + regs::pri::kCtrl};
  std::vector<int64_t> got;
  auto writes = m.config_writes(pf);
  // After probe's STU-only write: the order attach switched the capabilities on.
  auto first_pasid = std::find(writes.begin(), writes.end(), want[0]);
  for (auto it = first_pasid; it != writes.end(); ++it)
    if (std::find(want.begin(), want.end(), *it) != want.end() && std::find(got.begin(), got.end(), *it) == got.end())
      got.push_back(*it);
  EXPECT_EQ(got, want);
}

TEST(AmdCaps, PasidIsEnabledWithoutExecOrPrivilegedEvenWhenTheDeviceOffersThem) {
  AmdMachine m({.pf = {.pasid = true}});
  auto pf = m.pf();
  ASSERT_TRUE(m.data(pf).flags & amd::kPasidExecSup) << "the device offers Execute";
  ASSERT_TRUE(m.data(pf).pasid_enabled);
  // pci_enable_pasid(pdev, 0): only user-accessible pages, so the control word is Enable alone.
  int64_t at = m.s.kernel.devs[pf].pasid_cap + regs::pasid::kCtrl;
  std::vector<uint16_t> ctrl;
  for (const auto& e : m.s.record.events)
    if (e.kind == kernel::EventKind::ConfigWrite && e.dev == pf && e.a == at) ctrl.push_back(static_cast<uint16_t>(e.b));
  EXPECT_EQ(ctrl, (std::vector<uint16_t>{regs::pasid::kCtrlEnable}));
}

TEST(AmdCaps, DetachDisablesAtsThenPasidThenPriAsTheKernelDoes) {
  AmdMachine m({.pf = {.pri = true, .pasid = true}});
  auto pf = m.pf();
  const auto& p = m.s.kernel.devs[pf];
  ASSERT_TRUE(m.data(pf).pasid_enabled && m.data(pf).ats_enabled && m.data(pf).pri_enabled);
  size_t from = m.s.record.events.size();
  test::bind_vfio_pci(m.s, pf);
  auto c = vfio::open_container(m.s);
  auto g = vfio::open_group(m.s, pf);
  ASSERT_EQ(vfio::group_set_container(m.s, g, c), 0);  // the blocked domain: pdev_disable_caps
  EXPECT_FALSE(m.data(pf).pasid_enabled || m.data(pf).ats_enabled || m.data(pf).pri_enabled);
  std::vector<int64_t> want = {p.ats_cap + regs::ats::kCtrl, p.pasid_cap + regs::pasid::kCtrl, p.pri_cap + regs::pri::kCtrl};
  std::vector<int64_t> got;
  for (int64_t off : m.config_writes(pf, from))
    if (std::find(want.begin(), want.end(), off) != want.end() && std::find(got.begin(), got.end(), off) == got.end())
      got.push_back(off);
  EXPECT_EQ(got, want);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(AmdCaps, NoAtsWhenSomeIommuLacksIotlbSupport) {
  AmdMachine m({.pf = {.pri = true}, .iotlb_sup = false});
  EXPECT_TRUE(m.data(m.pf()).flags & amd::kAtsSup);
  EXPECT_FALSE(m.data(m.pf()).ats_enabled);
  EXPECT_FALSE(m.data(m.pf()).pri_enabled) << "PRI needs ATS";
  EXPECT_FALSE(m.hw_ats_on(m.pf()));
  for (const auto& e : m.s.record.events) EXPECT_NE(e.kind, kernel::EventKind::AtsEnableFailed);
}

TEST(AmdCaps, EnableFailureLeavesDevDataAtsOffWithoutWarningUpstream) {
  AmdMachine m(e2000(policy::AtsVariant::Upstream));
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 1), 0);
  auto vf = m.vfs().at(0);
  EXPECT_TRUE(m.s.kernel.iommu.devs.at(vf).probed);
  EXPECT_FALSE(m.data(vf).ats_enabled);
  EXPECT_EQ(m.data(vf).ats_qdep, 0);
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 0), 0);
  EXPECT_TRUE(m.s.record.warnings.empty()) << "pdev_disable_cap_ats only disables what was enabled";
}

TEST(AmdCaps, FailEarlyWarnsWhenEnableFailsAtAttach) {
  AmdMachine m(e2000(policy::AtsVariant::FailEarly));  // without the PCI patches prepare passes on the VF
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 1), 0);
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  EXPECT_EQ(m.s.record.warnings[0].function, kernel::KFn::pdev_enable_cap_ats);
  EXPECT_EQ(m.s.record.warnings[0].call_trace.at(1), kernel::KFn::attach_device);
}

TEST(AmdCaps, BlockedDomainSwitchesAtsOffAndVfioLifecycleNeverWarns) {
  AmdMachine m({.pf = {.pri = true, .pasid = true}});
  auto pf = m.pf();
  test::bind_vfio_pci(m.s, pf);
  auto c = vfio::open_container(m.s);
  auto g = vfio::open_group(m.s, pf);
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(vfio::group_set_container(m.s, g, c), 0);
    EXPECT_FALSE(m.hw_ats_on(pf)) << "detach_device disables the caps";
    EXPECT_FALSE(m.data(pf).ats_enabled || m.data(pf).pri_enabled || m.data(pf).pasid_enabled);
    ASSERT_EQ(vfio::set_iommu(m.s, c), 0);
    EXPECT_TRUE(m.hw_ats_on(pf));
    ASSERT_EQ(vfio::map_dma(m.s, c, 0x100000, 0x80000000, 0x1000), 0);
    vfio::unmap_dma(m.s, c, 0x100000, 0x1000);
    ASSERT_EQ(vfio::group_unset_container(m.s, g), 0);
  }
  pci::stop_and_remove_bus_device(m.s, pf);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(AmdInvalidation, UnmapFlushesIommuPagesThenEachAtsDeviceWithItsQdep) {
  AmdMachine m({.pf = {.qdep = 4}});
  auto d = m.default_domain(m.pf());
  ASSERT_EQ(iommu::map(m.s, d, 0x20000, 0x40000000, 0x2000), 0);
  size_t from = m.s.record.events.size();
  iommu::unmap(m.s, d, 0x20000, 0x2000);
  auto c = m.cmds(from);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].op, amd::CmdOp::InvIommuPages);
  EXPECT_EQ(c[1].op, amd::CmdOp::InvIotlbPages);
  EXPECT_EQ(c[1].devid, m.s.kernel.devs[m.pf()].bdf.rid());
  EXPECT_EQ(c[1].qdep, 4);
  EXPECT_EQ(c[1].addr, 0x20000u);
  EXPECT_EQ(c[1].size, 0x2000u);
}

TEST(AmdInvalidation, NoIotlbFlushForADeviceWhoseAtsIsOff) {
  AmdMachine m({.pf = {.ats = false}});
  auto d = m.default_domain(m.pf());
  iommu::map(m.s, d, 0x20000, 0x40000000, 0x1000);
  size_t from = m.s.record.events.size();
  iommu::unmap(m.s, d, 0x20000, 0x1000);
  auto c = m.cmds(from);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].op, amd::CmdOp::InvIommuPages);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
