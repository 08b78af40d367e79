// The endpoint's ATC behind a VT-d unit (issue 7, spec 5.1 and invariant 20): a
// Translation Request is answered from the unit's page table only where the
// context (legacy TT) or scalable-mode context DTE allows a device TLB; the
// device-IOTLB descriptors invalidate exactly the range their SID, address and
// S bit encode; the ATC oracle catches what a wrong or missing flush leaves.
#include <algorithm>

#include "check/atc_oracle.h"
#include "check/invariants.h"
#include "hw/remap.h"
#include "hw/remap_dma.h"
#include "sim/ops.h"
#include "../pci/endpoint_atc.h"
#include "vtd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

struct Cached : EndpointAtc<VtdMachine, VtdSpec> {
  using EndpointAtc::EndpointAtc;
  uint16_t did() const { return m.s.kernel.vtd.domains.at(vtd::dmar_domain_of(m.s, dom)).did; }
  hw::IoPageTable& table() { return m.s.hw.vtd.at(0).page_tables[did()]; }
  uint16_t rid() const { return m.s.kernel.devs[dev].bdf.rid(); }
};

TEST(VtdAtc, TranslationRequestFillsTheAtcFromTheUnitsPageTable) {
  Cached c;
  ASSERT_TRUE(c.m.hw_ats_on(c.dev));
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x2000), 0);
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x11008, true), 0);
  ASSERT_EQ(c.atc().size(), 1u);
  EXPECT_EQ(c.atc()[0].iova, 0x11000u);
  EXPECT_EQ(c.atc()[0].pa, 0x40001000u);
  EXPECT_EQ(c.atc()[0].size, 0x1000u);
  const auto& e = c.m.s.record.events.back();
  ASSERT_EQ(e.kind, kernel::EventKind::DeviceDma);
  EXPECT_EQ(e.b, 0x40001008);
  EXPECT_TRUE(oracle(c.m.s).empty());
  // The second access is an ATC hit: no new Translation Request is needed.
  auto r = hw::remap_device_dma(c.m.s.hw, hw::pcie::IommuKind::Vtd, 0, c.fn, 0x11010, false);
  EXPECT_TRUE(r.ok && r.atc_hit && r.translated);
}

TEST(VtdAtc, AnUnmappedIovaGetsNoTranslationAndNoAccess) {
  Cached c;
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, false), -EFAULT);
  EXPECT_TRUE(c.atc().empty());
  EXPECT_EQ(sim::device_ats_translate(c.m.s, c.fn, 0x10000, false), -EFAULT);
}

TEST(VtdAtc, UnmapInvalidatesTheDevicesAtcAndTheOracleStaysQuiet) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x2000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x11000, true), 0);
  ASSERT_EQ(c.atc().size(), 2u);
  EXPECT_EQ(iommu::unmap(c.m.s, c.dom, 0x10000, 0x2000), 0x2000u);
  EXPECT_TRUE(c.atc().empty());
  EXPECT_TRUE(oracle(c.m.s).empty());
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, false), -EFAULT);
}

TEST(VtdAtc, APageTableClearedWithoutAFlushLeavesAStaleEntryTheOracleReports) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x1000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), 0);
  c.table().unmap(0x10000, 0x1000);  // a driver that forgets intel_iommu_tlb_sync
  auto v = oracle(c.m.s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].invariant, 20);
  EXPECT_NE(v[0].detail.find("refuses IOVA 0x10000"), std::string::npos) << v[0].detail;
  // ... and the device still writes through it: a StaleAtcUse, invariant 20 in the history.
  const size_t from = c.m.s.record.events.size();
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), 0);
  auto h = check::check_history(c.m.s, from, c.m.s.record.warnings.size());
  EXPECT_TRUE(std::any_of(h.begin(), h.end(), [](const auto& x) { return x.invariant == 20; }));
}

TEST(VtdAtc, ADescriptorForTheWrongAddressLeavesTheEntry) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x1000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), 0);
  c.table().unmap(0x10000, 0x1000);
  const auto& in = c.m.info(c.dev);
  vtd::qi_flush_dev_iotlb(c.m.s, 0, c.rid(), in.pfsid, in.ats_qdep, 0x20000, 0);
  EXPECT_TRUE(c.cached(0x10000));
  EXPECT_EQ(oracle(c.m.s).size(), 1u);
  // Another SID reaches another function (here: nobody), not this ATC.
  vtd::qi_flush_dev_iotlb(c.m.s, 0, static_cast<uint16_t>(c.rid() + 1), in.pfsid, in.ats_qdep, 0x10000, 0);
  EXPECT_TRUE(c.cached(0x10000));
  vtd::qi_flush_dev_iotlb(c.m.s, 0, c.rid(), in.pfsid, in.ats_qdep, 0x10000, 0);
  EXPECT_FALSE(c.cached(0x10000));
  EXPECT_TRUE(oracle(c.m.s).empty());
}

TEST(VtdAtc, ADescriptorTooSmallLeavesTheSecondPage) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x2000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x11000, true), 0);
  c.table().unmap(0x10000, 0x2000);
  const auto& in = c.m.info(c.dev);
  vtd::qi_flush_dev_iotlb(c.m.s, 0, c.rid(), in.pfsid, in.ats_qdep, 0x10000, 0);  // S clear: one page
  EXPECT_FALSE(c.cached(0x10000));
  EXPECT_TRUE(c.cached(0x11000));
  auto v = oracle(c.m.s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].detail.find("IOVA 0x11000"), std::string::npos) << v[0].detail;
}

TEST(VtdAtc, DescriptorRangeEncoding) {
  // S clear: one page; S set: the lowest clear bit at or above 12 gives the size.
  EXPECT_EQ(vtd::dev_iotlb_qw1(0x10000, 0), 0x10000u);
  EXPECT_EQ(vtd::dev_iotlb_qw1(0x10000, 1), 0x10800u);  // bit 12 clear: 8 KiB
  EXPECT_EQ(vtd::dev_iotlb_qw1(0x200000, 9), 0x2ff800u);  // bits 12-19 set, 20 clear: 2 MiB
  EXPECT_EQ((hw::decode_size_bit_range(0x2ff800, true)), (hw::InvRange{0x200000, 0x200000}));
  // mask 52 (MAX_AGAW_PFN_WIDTH): bits 12-62 set, the whole ATC.
  EXPECT_EQ((hw::decode_size_bit_range(vtd::dev_iotlb_qw1(0, vtd::kMaxAgawPfnWidth), true)), (hw::InvRange{0, 0}));
  // An address not aligned to the size: the unit invalidates the larger aligned range around it.
  EXPECT_EQ((hw::decode_size_bit_range(vtd::dev_iotlb_qw1(0x11000, 1), true)), (hw::InvRange{0x10000, 0x4000}));
}

TEST(VtdAtc, ATwoMiBUnmapSendsOneTwoMiBDescriptorAndSparesTheRest) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x200000, 0x40000000, 0x200000), 0);
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x400000, 0x50000000, 0x1000), 0);
  for (uint64_t iova : {0x200000ull, 0x2ff000ull, 0x3ff000ull, 0x400000ull}) ASSERT_EQ(sim::device_dma(c.m.s, c.fn, iova, true), 0);
  const size_t from = c.m.s.record.events.size();
  EXPECT_EQ(iommu::unmap(c.m.s, c.dom, 0x200000, 0x200000), 0x200000u);
  auto q = c.m.qi(from);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[1].type, vtd::QiType::DevTlb);
  EXPECT_EQ(q[1].addr, 0x200000u);
  EXPECT_EQ(q[1].size_order, 9);
  ASSERT_EQ(c.atc().size(), 1u);
  EXPECT_EQ(c.atc()[0].iova, 0x400000u);
  EXPECT_TRUE(oracle(c.m.s).empty());
}

TEST(VtdAtc, AnUnalignedUnmapIsWidenedToAnAlignedRangeThatCoversIt) {
  // calculate_psi_aligned_address: pages 0x11-0x14 cross an 16 KiB boundary, so the
  // descriptor covers the 32 KiB around them.
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x8000), 0);
  for (uint64_t iova = 0x10000; iova < 0x18000; iova += 0x1000) ASSERT_EQ(sim::device_dma(c.m.s, c.fn, iova, false), 0);
  const size_t from = c.m.s.record.events.size();
  EXPECT_EQ(iommu::unmap(c.m.s, c.dom, 0x11000, 0x4000), 0x4000u);
  auto q = c.m.qi(from);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].addr, 0x10000u);
  EXPECT_EQ(q[0].size_order, 3);
  EXPECT_EQ(q[1].addr, 0x10000u);
  EXPECT_EQ(q[1].size_order, 3);
  for (uint64_t iova = 0x11000; iova < 0x15000; iova += 0x1000) EXPECT_FALSE(c.cached(iova)) << std::hex << iova;
  EXPECT_TRUE(oracle(c.m.s).empty());
}

TEST(VtdAtc, LeavingTheDomainFlushesTheWholeDeviceTlb) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x1000), 0);
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x7000000, 0x41000000, 0x1000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x7000000, true), 0);
  const size_t from = c.m.s.record.events.size();
  auto own = iommu::domain_alloc_paging(c.m.s, c.dev);
  ASSERT_EQ(iommu::attach_group(c.m.s, own, iommu::group_of(c.m.s, c.dev)), 0);
  auto q = c.m.qi(from);
  ASSERT_FALSE(q.empty());
  EXPECT_EQ(q[0].type, vtd::QiType::DevTlb);
  EXPECT_EQ(q[0].addr, 0u);
  EXPECT_EQ(q[0].size_order, vtd::kMaxAgawPfnWidth);
  EXPECT_TRUE(c.atc().empty());
  EXPECT_TRUE(oracle(c.m.s).empty());
  // The new domain has nothing mapped: the device's Translation Request is refused.
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), -EFAULT);
}

TEST(VtdAtc, ScalableModeServesTranslationRequestsOnlyWithTheContextDte) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x1000), 0);
  auto& ctx = c.m.s.hw.vtd.at(0).context.at(c.rid());
  EXPECT_TRUE(ctx.dte);
  EXPECT_EQ(c.m.s.hw.vtd.at(0).rid_pasid.at(c.rid()).pgtt, hw::kPgttSecondLevel);
  ctx.dte = false;
  EXPECT_EQ(sim::device_ats_translate(c.m.s, c.fn, 0x10000, false), -EFAULT);
  EXPECT_TRUE(c.atc().empty());
  ctx.dte = true;
  EXPECT_EQ(sim::device_ats_translate(c.m.s, c.fn, 0x10000, false), 0);
  EXPECT_EQ(c.atc().size(), 1u);
}

TEST(VtdAtc, LegacyModeServesTranslationRequestsOnlyWithTtDeviceTlb) {
  VtdSpec v;
  v.unit.ecap_smts = false;
  Cached c(v);
  ASSERT_TRUE(c.m.hw_ats_on(c.dev));
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x1000), 0);
  auto& ctx = c.m.s.hw.vtd.at(0).context.at(c.rid());
  ASSERT_EQ(ctx.tt, 1);
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), 0);
  EXPECT_EQ(c.atc().size(), 1u);
  EXPECT_EQ(iommu::unmap(c.m.s, c.dom, 0x10000, 0x1000), 0x1000u);
  EXPECT_TRUE(c.atc().empty());
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x1000), 0);
  ctx.tt = 0;  // untranslated requests only
  EXPECT_EQ(sim::device_ats_translate(c.m.s, c.fn, 0x10000, false), -EFAULT);
  EXPECT_TRUE(c.atc().empty());
}

TEST(VtdAtc, AVfsDescriptorReachesTheVfsAtcAlone) {
  // The descriptor's SID routes it; the PFSID beside it only throttles.
  Cached c;
  c.m.s.kernel.devs[c.dev].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(c.m.s, c.dev, 1), 0);
  const pci::DevId vf = c.m.vfs().at(0);
  const hw::pcie::FnId vf_fn = c.m.s.kernel.devs[vf].fn;
  ASSERT_TRUE(c.m.hw_ats_on(vf));
  const auto vf_dom = iommu::group(c.m.s, iommu::group_of(c.m.s, vf)).domain;
  ASSERT_NE(vf_dom, c.dom);
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x10000, 0x40000000, 0x1000), 0);
  ASSERT_EQ(iommu::map(c.m.s, vf_dom, 0x10000, 0x48000000, 0x1000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x10000, true), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, vf_fn, 0x10000, true), 0);
  EXPECT_EQ(c.m.s.hw.pcie.fn(vf_fn).atc.entries.at(0).pa, 0x48000000u);
  const size_t from = c.m.s.record.events.size();
  EXPECT_EQ(iommu::unmap(c.m.s, vf_dom, 0x10000, 0x1000), 0x1000u);
  auto q = c.m.qi(from);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[1].sid, c.m.s.kernel.devs[vf].bdf.rid());
  EXPECT_EQ(q[1].pfsid, c.rid());
  EXPECT_TRUE(c.m.s.hw.pcie.fn(vf_fn).atc.entries.empty());
  EXPECT_TRUE(c.cached(0x10000)) << "the PF's own translation of its own domain stays";
  EXPECT_TRUE(oracle(c.m.s).empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
