// Device DMA through the SMMUv3 driver's domains, end to end: the io-pgtable
// and CD table in memory, the STE pointing at them, the SMMU's walk, the
// device ATC filled by Translation Requests, and the unmap invalidating it.
#include <gtest/gtest.h>

#include "check/invariants.h"
#include "hw/pcie/atc.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "linux/iommu/iommu.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/ops.h"
#include "../pci/machine_fixture.h"
#include "../support/observe.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;
constexpr MachineSpec kHealthy{.iommu = hw::pcie::IommuKind::Smmuv3};
constexpr MachineSpec kNoAts{.iommu = hw::pcie::IommuKind::Smmuv3, .pf = {.ats = false}};

struct Dma {
  Machine m;
  explicit Dma(const MachineSpec& spec = kHealthy) : m(spec) {}
  pci::DevId dev() const { return m.pf(); }
  hw::pcie::FnId fn() const { return m.s.kernel.devs[dev()].fn; }
  uint32_t sid() const { return m.s.kernel.devs[dev()].bdf.rid(); }
  iommu::GroupId group() const { return iommu::group_of(m.s, dev()); }
  iommu::DomainId domain() const { return iommu::group(m.s, group()).domain; }
  const smmuv3::SmmuDomain& sdom(iommu::DomainId d) const {
    return m.s.kernel.smmuv3.domains.at(smmuv3::smmu_domain_of(m.s, d));
  }
  const smmuv3::Master& master() const { return m.s.kernel.smmuv3.masters.at(smmuv3::master_of(m.s, dev())); }
  hs::Entry ste() const { return smmuv3::ste_of(m.s, 0, sid()); }
  hw::pcie::Atc& atc() { return m.s.hw.pcie.fn(fn()).atc; }
  // The PA the last DeviceDma event reached (-1: refused).
  int64_t last_dma_pa() const {
    for (auto it = m.s.record.events.rbegin(); it != m.s.record.events.rend(); ++it)
      if (it->kind == kernel::EventKind::DeviceDma) return it->b;
    return -2;
  }
  // A stage-2 paging domain of the PF's own, attached in place of the default domain.
  iommu::DomainId attach_s2() {
    auto d = smmuv3::domain_alloc_paging(m.s, dev(), iommu::DomainType::Unmanaged, smmuv3::Stage::S2);
    EXPECT_NE(d, iommu::kNoDomain);
    EXPECT_EQ(iommu::attach_group(m.s, d, group()), 0);
    return d;
  }
};

TEST(SmmuDma, S1DomainStePointsAtACdWithTheAsidAndTheIoPgtable) {
  Dma t;
  const auto& d = t.sdom(t.domain());
  ASSERT_EQ(d.stage, smmuv3::Stage::S1);
  ASSERT_NE(t.master().cdtab, 0u);
  EXPECT_EQ(t.m.s.hw.memory.owner(t.master().cdtab), smmuv3::kOwnerCdTable + smmuv3::master_of(t.m.s, t.dev()));
  const auto ste = t.ste();
  EXPECT_EQ(hs::field_get(hs::ste::k0Cfg, ste[0]), hs::ste::kCfgS1Trans);
  EXPECT_EQ(ste[0] & hs::ste::k0S1CtxPtrMask, t.master().cdtab);
  EXPECT_EQ(hs::field_get(hs::ste::k0S1CdMax, ste[0]), 0u);
  const auto cd = smmuv3::cd_of(t.m.s, smmuv3::master_of(t.m.s, t.dev()), 0);
  EXPECT_TRUE(cd[0] & hs::cd::k0V);
  EXPECT_EQ(hs::field_get(hs::cd::k0Asid, cd[0]), d.asid);
  EXPECT_EQ(cd[1] & hs::cd::k1Ttb0Mask, d.pgtbl.root);
  EXPECT_EQ(t.m.s.hw.memory.owner(d.pgtbl.root), smmuv3::kOwnerIoPgtable + smmuv3::smmu_domain_of(t.m.s, t.domain()));
}

// The CD's MAIR (qword 3) is io-pgtable-arm's stage-1 MAIR as the kernel computes it: NC 0x44,
// WBRWA 0xff, DEVICE 0x04, INC_OWBRWA 0xf4 at indices 0-3, built in int arithmetic whose sign
// bit (from 0xf4 << 24) the assignment to a u64 extends into attributes 4-7. The tree's own
// io-pgtable-arm.c writes exactly this (compare-drivers compares CD 0 with it).
TEST(SmmuDma, S1CdCarriesIoPgtableArmsSignExtendedMair) {
  Dma t;
  const auto cd = smmuv3::cd_of(t.m.s, smmuv3::master_of(t.m.s, t.dev()), 0);
  const int32_t attrs = 0x44 | (0xff << 8) | (0x04 << 16) | static_cast<int32_t>(0xf4u << 24);
  EXPECT_EQ(cd[hs::cd::kMairQword], static_cast<uint64_t>(static_cast<int64_t>(attrs)));
  EXPECT_EQ(cd[hs::cd::kMairQword] >> 32, 0xffffffffu);
}

TEST(SmmuDma, DmaThroughAnS1DomainReachesTheMappedPaAndFillsTheAtcWithOneStu) {
  Dma t;
  ASSERT_TRUE(hw_ats_on(t.m.s, t.dev()));
  ASSERT_EQ(iommu::map(t.m.s, t.domain(), 0x123000, 0x45670000, 0x2000), 0);
  EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), 0x124010, true), 0);
  EXPECT_EQ(t.last_dma_pa(), 0x45671010);
  // STU 0 (4 KiB, the SMMU's smallest page): one page, aligned, writable.
  ASSERT_EQ(t.atc().entries.size(), 1u);
  const auto& e = t.atc().entries[0];
  EXPECT_EQ(e.iova, 0x124000u);
  EXPECT_EQ(e.size, 0x1000u);
  EXPECT_EQ(e.pa, 0x45671000u);
  EXPECT_TRUE(e.writable);
  // A second DMA to the same page is an ATC hit: no Translation Request, same PA.
  EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), 0x124ff8, false), 0);
  EXPECT_EQ(t.last_dma_pa(), 0x45671ff8);
  EXPECT_EQ(t.atc().entries.size(), 1u);
}

TEST(SmmuDma, UnmappedIovaIsRefusedAndNothingIsCached) {
  Dma t;
  EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), sim::kUnmappedIova, false), -EFAULT);
  EXPECT_EQ(t.last_dma_pa(), -1);
  EXPECT_TRUE(t.atc().entries.empty());
  EXPECT_EQ(sim::device_ats_translate(t.m.s, t.fn(), 0x5000, false), -EFAULT);
  EXPECT_TRUE(t.atc().entries.empty());
}

TEST(SmmuDma, WithoutAtsTheDmaIsUntranslatedThroughTheWalkAndTheAtcStaysEmpty) {
  Dma t(kNoAts);
  ASSERT_EQ(iommu::map(t.m.s, t.domain(), 0x10000, 0x30000000, 0x1000), 0);
  EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), 0x10008, true), 0);
  EXPECT_EQ(t.last_dma_pa(), 0x30000008);
  EXPECT_TRUE(t.atc().entries.empty());
  EXPECT_EQ(sim::device_ats_translate(t.m.s, t.fn(), 0x10000, false), -ENODEV) << "ATS off: no Translation Request";
  // The walk filled the SMMU's TLB under the domain's ASID.
  const auto asid = t.sdom(t.domain()).asid;
  ASSERT_EQ(t.m.s.hw.smmus[0].iotlb.entries.size(), 1u);
  EXPECT_EQ(t.m.s.hw.smmus[0].iotlb.entries[0].asid, asid);
}

TEST(SmmuDma, DmaThroughAnS2DomainUsesVttbrAndVmidAndReachesTheMappedPa) {
  Dma t;
  auto d = t.attach_s2();
  const auto& sd = t.sdom(d);
  const auto ste = t.ste();
  EXPECT_EQ(hs::field_get(hs::ste::k0Cfg, ste[0]), hs::ste::kCfgS2Trans);
  EXPECT_EQ(hs::field_get(hs::ste::k2S2Vmid, ste[2]), sd.vmid);
  EXPECT_EQ(ste[3] & hs::ste::k3S2TtbMask, sd.pgtbl.root);
  EXPECT_EQ(hs::field_get(hs::ste::k1Eats, ste[1]), hs::ste::kEatsTrans) << "ATS stays on across the switch";
  EXPECT_FALSE(smmuv3::cd_of(t.m.s, smmuv3::master_of(t.m.s, t.dev()), 0)[0] & hs::cd::k0V) << "CD 0 cleared";
  ASSERT_EQ(iommu::map(t.m.s, d, 0x7000000, 0x31000000, 0x1000), 0);
  EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), 0x7000040, false), 0);
  EXPECT_EQ(t.last_dma_pa(), 0x31000040);
  ASSERT_EQ(t.atc().entries.size(), 1u);
  EXPECT_EQ(t.atc().entries[0].pa, 0x31000000u);
  EXPECT_EQ(t.atc().entries[0].size, 0x1000u);
  // Unmapping invalidates the ATC (ATS entry for the VMID's array) and the walk now faults.
  EXPECT_EQ(iommu::unmap(t.m.s, d, 0x7000000, 0x1000), 0x1000u);
  EXPECT_TRUE(t.atc().entries.empty());
  EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), 0x7000040, false), -EFAULT);
}

TEST(SmmuDma, UnmapInvalidatesTheAtcEntryTheDeviceHeld) {
  Dma t;
  ASSERT_EQ(iommu::map(t.m.s, t.domain(), 0x200000, 0x32000000, 0x4000), 0);
  for (uint64_t off = 0; off < 0x4000; off += 0x1000) EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), 0x200000 + off, true), 0);
  EXPECT_EQ(t.atc().entries.size(), 4u);
  EXPECT_EQ(iommu::unmap(t.m.s, t.domain(), 0x200000, 0x4000), 0x4000u);
  EXPECT_TRUE(t.atc().entries.empty());
  EXPECT_TRUE(check::check_state(t.m.s, true).empty());
}

TEST(SmmuDma, AMultiPageUnmapInvalidatesEveryPageOfTheIotlbWithOneRangeTlbi) {
  Dma t(kNoAts);
  ASSERT_TRUE(t.m.s.kernel.smmuv3.smmus[0].feat_range_inv);
  ASSERT_EQ(iommu::map(t.m.s, t.domain(), 0x400000, 0x33000000, 0x8000), 0);
  for (uint64_t off = 0; off < 0x8000; off += 0x1000) ASSERT_EQ(sim::device_dma(t.m.s, t.fn(), 0x400000 + off, false), 0);
  ASSERT_EQ(t.m.s.hw.smmus[0].iotlb.entries.size(), 8u);
  const size_t before = t.m.s.record.events.size();
  iommu::unmap(t.m.s, t.domain(), 0x400000, 0x8000);
  EXPECT_TRUE(t.m.s.hw.smmus[0].iotlb.entries.empty());
  int tlbis = 0;
  for (size_t i = before; i < t.m.s.record.events.size(); ++i)
    tlbis += t.m.s.record.events[i].kind == kernel::EventKind::SmmuCommand && t.m.s.record.events[i].a == 0x12;
  EXPECT_EQ(tlbis, 1) << "RIL: NUM=0, SCALE=3 covers the eight pages";
  EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), 0x407000, false), -EFAULT);
}

TEST(SmmuDma, MapKeepsIommuMapSemantics) {
  Dma t;
  EXPECT_EQ(iommu::map(t.m.s, t.domain(), 0x1800, 0x1000, 0x1000), -EINVAL);
  ASSERT_EQ(iommu::map(t.m.s, t.domain(), 0x10000, 0x34000000, 0x2000), 0);
  EXPECT_EQ(iommu::map(t.m.s, t.domain(), 0xf000, 0x35000000, 0x2000), -EEXIST) << "overlaps 0x10000";
  EXPECT_EQ(sim::device_dma(t.m.s, t.fn(), 0xf000, false), -EFAULT) << "a failed map leaves nothing behind";
  EXPECT_EQ(iommu::unmap(t.m.s, t.domain(), 0x11000, 0x1000), 0x1000u);
  EXPECT_EQ(iommu::unmap(t.m.s, t.domain(), 0xe000, 0x4000), 0x1000u) << "only what was mapped counts";
  EXPECT_EQ(iommu::unmap(t.m.s, t.domain(), 0x10000, 0x1000), 0u);
}

TEST(SmmuDma, UnmapKeepsTheTablesAndDomainFreeReturnsEveryPage) {
  Dma t(kNoAts);
  auto d = iommu::domain_alloc_paging(t.m.s, t.dev());
  const auto sd = smmuv3::smmu_domain_of(t.m.s, d);
  const auto& pool = t.m.s.kernel.smmuv3.pages;
  // Two pages 1 GiB apart share the root and the level-1 table, not the lower ones.
  ASSERT_EQ(iommu::map(t.m.s, d, 0x40000000, 0x36000000, 0x1000), 0);
  ASSERT_EQ(iommu::map(t.m.s, d, 0x80000000, 0x36001000, 0x1000), 0);
  EXPECT_EQ(t.m.s.kernel.smmuv3.domains[sd].pgtbl.tables, 6u) << "root, L1, 2 x (L2, L3)";
  const size_t free_after_map = pool.free.size();
  iommu::unmap(t.m.s, d, 0x40000000, 0x1000);
  iommu::unmap(t.m.s, d, 0x80000000, 0x1000);
  EXPECT_EQ(t.m.s.kernel.smmuv3.domains[sd].pgtbl.tables, 6u) << "as io-pgtable-arm: emptied tables stay";
  EXPECT_EQ(pool.free.size(), free_after_map);
  ASSERT_EQ(iommu::map(t.m.s, d, 0x40001000, 0x36002000, 0x1000), 0);
  EXPECT_EQ(t.m.s.kernel.smmuv3.domains[sd].pgtbl.tables, 6u) << "a neighbour reuses them";
  const uint64_t root = t.m.s.kernel.smmuv3.domains[sd].pgtbl.root;
  ASSERT_NE(t.m.s.hw.memory.read64(root), 0u);
  iommu::domain_free(t.m.s, d);
  EXPECT_EQ(t.m.s.kernel.smmuv3.domains[sd].pgtbl.root, 0u);
  EXPECT_EQ(t.m.s.hw.memory.owner(root), hw::memory::kFree);
  EXPECT_EQ(pool.free.size(), free_after_map + 6);
  // The next domain reuses the last page freed (the root), zeroed.
  auto d2 = iommu::domain_alloc_paging(t.m.s, t.dev());
  EXPECT_EQ(t.m.s.kernel.smmuv3.domains[smmuv3::smmu_domain_of(t.m.s, d2)].pgtbl.root, root);
  for (uint64_t off = 0; off < 0x1000; off += 8) ASSERT_EQ(t.m.s.hw.memory.read64(root + off), 0u);
}

TEST(SmmuDma, ReleaseFreesTheCdTable) {
  Dma t;
  const uint64_t cdtab = t.master().cdtab;
  ASSERT_NE(cdtab, 0u);
  const auto mid = smmuv3::master_of(t.m.s, t.dev());
  pci::stop_and_remove_bus_device(t.m.s, t.dev());
  EXPECT_EQ(t.m.s.kernel.smmuv3.masters[mid].cdtab, 0u);
  EXPECT_EQ(t.m.s.hw.memory.owner(cdtab), hw::memory::kFree);
  const auto& fr = t.m.s.kernel.smmuv3.pages.free;
  EXPECT_NE(std::find(fr.begin(), fr.end(), cdtab), fr.end());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
