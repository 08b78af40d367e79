// intel_iommu_probe_finalize and intel_iommu_release_device (spec 5.1): PASID
// before ATS, ATS once and only on success, DEVTLB tags, the release order,
// and no pci_disable_ats WARN along a whole VFIO lifecycle.
#include "../support/vfio_bind.h"
#include "linux/vfio/vfio.h"
#include "vtd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace regs = hw::pcie;

size_t devtlb_tags(const System& s, iommu::DomainId d, vtd::InfoId info) {
  const auto& tags = s.kernel.vtd.domains.at(vtd::dmar_domain_of(s, d)).cache_tags;
  return std::count_if(tags.begin(), tags.end(),
                       [&](const vtd::CacheTag& t) { return t.type == vtd::CacheTagType::Devtlb && t.info == info; });
}

TEST(VtdFinalize, EnablesPasidBeforeAtsThenPri) {
  VtdMachine m({.pf = {.pri = true, .pasid = true}});
  auto pf = m.pf();
  const auto& p = m.s.kernel.devs[pf];
  EXPECT_TRUE(m.info(pf).pasid_enabled && m.info(pf).ats_enabled && m.info(pf).pri_enabled);
  auto writes = m.config_writes(pf);
  auto pos = [&](int64_t off) { return std::find(writes.begin(), writes.end(), off) - writes.begin(); };
  auto ats_ctrl = p.ats_cap + regs::ats::kCtrl, pasid_ctrl = p.pasid_cap + regs::pasid::kCtrl, pri_ctrl = p.pri_cap + regs::pri::kCtrl;
  // The ATS Control register is first written by prepare (STU only); Enable is its last write.
  auto ats_enable = std::find(writes.rbegin(), writes.rend(), ats_ctrl).base() - writes.begin() - 1;
  EXPECT_LT(pos(pasid_ctrl), ats_enable);
  EXPECT_LT(ats_enable, std::find(writes.rbegin(), writes.rend(), pri_ctrl).base() - writes.begin() - 1);
}

TEST(VtdFinalize, AtsEnabledOnceAndLeftOnAcrossDomainChanges) {
  VtdMachine m;
  auto pf = m.pf();
  EXPECT_TRUE(m.info(pf).ats_enabled);
  EXPECT_TRUE(m.hw_ats_on(pf));
  size_t from = m.s.record.events.size();
  test::bind_vfio_pci(m.s, pf);
  auto c = vfio::open_container(m.s);
  auto g = vfio::open_group(m.s, pf);
  ASSERT_EQ(vfio::group_set_container(m.s, g, c), 0);  // blocked domain
  EXPECT_TRUE(m.hw_ats_on(pf)) << "scalable mode keeps ATS on in the blocked domain";
  ASSERT_EQ(vfio::set_iommu(m.s, c), 0);
  ASSERT_EQ(vfio::group_unset_container(m.s, g), 0);
  auto ats_ctrl = m.s.kernel.devs[pf].ats_cap + regs::ats::kCtrl;
  auto writes = m.config_writes(pf, from);
  EXPECT_EQ(std::count(writes.begin(), writes.end(), ats_ctrl), 0) << "no ATS Control write after probe";
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(VtdFinalize, DefaultDomainGetsADevtlbTagOnlyWhenAtsCameOn) {
  VtdMachine on;
  auto g = iommu::group_of(on.s, on.pf());
  EXPECT_EQ(devtlb_tags(on.s, iommu::group(on.s, g).default_domain, vtd::info_of(on.s, on.pf())), 1u);
  VtdMachine off({.pf = {.page_aligned = false}});
  auto g2 = iommu::group_of(off.s, off.pf());
  EXPECT_EQ(devtlb_tags(off.s, iommu::group(off.s, g2).default_domain, vtd::info_of(off.s, off.pf())), 0u);
}

TEST(VtdFinalize, NoPageAlignedRequestMeansNoEnableAttempt) {
  VtdMachine m({.pf = {.page_aligned = false}});
  EXPECT_TRUE(m.info(m.pf()).ats_supported);
  EXPECT_FALSE(m.info(m.pf()).ats_enabled);
  EXPECT_FALSE(m.hw_ats_on(m.pf()));
  for (const auto& e : m.s.record.events) EXPECT_NE(e.kind, kernel::EventKind::AtsEnableFailed);
}

// A VF of a never-prepared PF: pci_enable_ats(vf, 12) fails with -EINVAL.
VtdSpec unprepared_pf(policy::AtsVariant v) {
  return {.pf = {.vendor = 0x8086, .device = 0x1452, .vf_device = 0x1457, .revision = 0x11}, .variant = v};
}

TEST(VtdFinalize, UpstreamEnableFailureLeavesInfoAtsEnabledClearAndSaysNothing) {
  VtdMachine m(unprepared_pf(policy::AtsVariant::Upstream));
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 1), 0);
  auto vf = m.vfs().at(0);
  EXPECT_TRUE(m.info(vf).ats_supported);
  EXPECT_FALSE(m.info(vf).ats_enabled);
  EXPECT_FALSE(m.s.kernel.devs[vf].ats_enabled);
  EXPECT_TRUE(m.s.record.warnings.empty());
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 0), 0);
  EXPECT_TRUE(m.s.record.warnings.empty()) << "release disables only what was enabled";
}

TEST(VtdFinalize, FailEarlyWarnsWhenEnableFailsAfterASuccessfulProbe) {
  // Fail-early without the PCI patches: prepare on the VF succeeds (no STU check), enable then fails.
  VtdMachine m(unprepared_pf(policy::AtsVariant::FailEarly));
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 1), 0);
  auto vf = m.vfs().at(0);
  EXPECT_FALSE(m.info(vf).ats_enabled);
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.function, kernel::KFn::iommu_enable_pci_ats);
  EXPECT_EQ(w.call_trace.at(1), kernel::KFn::intel_iommu_probe_finalize);
}

TEST(VtdRelease, DisablesPriThenAtsThenPasidAndLeavesTheRbtree) {
  VtdMachine m({.pf = {.pri = true, .pasid = true}});
  auto pf = m.pf();
  const auto p = m.s.kernel.devs[pf];
  vtd::InfoId id = vtd::info_of(m.s, pf);
  size_t from = m.s.record.events.size();
  pci::stop_and_remove_bus_device(m.s, pf);
  auto writes = m.config_writes(pf, from);
  std::vector<int64_t> expect = {p.pri_cap + regs::pri::kCtrl, p.ats_cap + regs::ats::kCtrl, p.pasid_cap + regs::pasid::kCtrl};
  std::vector<int64_t> got;
  for (auto w : writes)
    if (std::find(expect.begin(), expect.end(), w) != expect.end()) got.push_back(w);
  EXPECT_EQ(got, expect);
  EXPECT_TRUE(m.s.kernel.vtd.infos[id].freed);
  EXPECT_TRUE(m.s.kernel.vtd.units[0].device_rbtree.empty());
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(VtdRelease, WholeVfioLifecycleNeverWarnsInPciDisableAts) {
  VtdMachine m;
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 2), 0);
  auto vf = m.vfs().at(0);
  test::bind_vfio_pci(m.s, vf);
  auto c = vfio::open_container(m.s);
  auto g = vfio::open_group(m.s, vf);
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(vfio::group_set_container(m.s, g, c), 0);
    ASSERT_EQ(vfio::set_iommu(m.s, c), 0);
    ASSERT_EQ(vfio::map_dma(m.s, c, 0x100000, 0x80000000, 0x2000), 0);
    vfio::unmap_dma(m.s, c, 0x100000, 0x2000);
    ASSERT_EQ(vfio::group_unset_container(m.s, g), 0);
  }
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 0), 0);
  EXPECT_TRUE(m.s.record.warnings.empty());
  EXPECT_TRUE(m.s.record.bugs.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
