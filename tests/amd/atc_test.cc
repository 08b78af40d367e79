// The endpoint's ATC behind an AMD-Vi IOMMU (issue 7, spec 5.2 and invariant 20):
// a Translation Request is answered from the IOMMU's page table only while the
// device's DTE has I (IOTLB enable) set, which the driver sets iff it has ATS on;
// INVALIDATE_IOTLB_PAGES invalidates exactly the range its DeviceID, address and
// S bit encode; the ATC oracle catches what a wrong or missing flush leaves.
#include <algorithm>

#include "check/atc_oracle.h"
#include "check/invariants.h"
#include "hw/remap.h"
#include "sim/ops.h"
#include "../pci/endpoint_atc.h"
#include "amd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

struct Cached : EndpointAtc<AmdMachine, AmdSpec> {
  using EndpointAtc::EndpointAtc;
  uint16_t domid() const { return m.s.kernel.amd.domains.at(amd::pdom_of(m.s, dom)).id; }
  hw::IoPageTable& table() { return m.s.hw.amd.at(0).page_tables[domid()]; }
  uint16_t devid() const { return m.s.kernel.devs[dev].bdf.rid(); }
  const hw::AmdDte& dte() const { return m.s.hw.amd.at(0).dev_table.at(devid()); }
  void flush_iotlb(uint64_t addr, uint64_t size) {
    amd::Cmd c;
    c.op = amd::CmdOp::InvIotlbPages;
    c.devid = devid();
    c.qdep = static_cast<uint8_t>(m.data(dev).ats_qdep);
    c.addr = addr;
    c.size = size;
    amd::iommu_queue_command(m.s, 0, c);
  }
};

TEST(AmdAtc, TheDteFollowsTheDriversAtsFlag) {
  Cached c;
  ASSERT_TRUE(c.m.data(c.dev).ats_enabled);
  EXPECT_TRUE(c.dte().v && c.dte().tv && c.dte().paging && c.dte().i);
  EXPECT_EQ(c.dte().domid, c.domid());
  Cached off({.pf = {.ats = false}});
  EXPECT_FALSE(off.dte().i);
  EXPECT_TRUE(off.dte().paging);
}

TEST(AmdAtc, TranslationRequestFillsTheAtcFromTheIommusPageTable) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x20000, 0x40000000, 0x2000), 0);
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x21010, true), 0);
  ASSERT_EQ(c.atc().size(), 1u);
  EXPECT_EQ(c.atc()[0].iova, 0x21000u);
  EXPECT_EQ(c.atc()[0].pa, 0x40001000u);
  EXPECT_EQ(c.m.s.record.events.back().b, 0x40001010);
  EXPECT_TRUE(oracle(c.m.s).empty());
}

TEST(AmdAtc, WithoutDteIotlbEnableNoTranslationIsServed) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x20000, 0x40000000, 0x1000), 0);
  c.m.s.hw.amd.at(0).dev_table.at(c.devid()).i = false;
  EXPECT_EQ(sim::device_ats_translate(c.m.s, c.fn, 0x20000, false), -EFAULT);
  EXPECT_TRUE(c.atc().empty());
}

TEST(AmdAtc, AnEndpointWithoutAtsIssuesUntranslatedRequests) {
  Cached c({.pf = {.ats = false}});
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x20000, 0x40000000, 0x1000), 0);
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x20008, true), 0);
  EXPECT_EQ(c.m.s.record.events.back().b, 0x40000008);
  EXPECT_TRUE(c.atc().empty());
  EXPECT_EQ(sim::device_ats_translate(c.m.s, c.fn, 0x20000, false), -ENODEV);
}

TEST(AmdAtc, UnmapInvalidatesTheDevicesAtcAndTheOracleStaysQuiet) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x20000, 0x40000000, 0x2000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x20000, true), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x21000, true), 0);
  EXPECT_EQ(iommu::unmap(c.m.s, c.dom, 0x20000, 0x2000), 0x2000u);
  EXPECT_TRUE(c.atc().empty());
  EXPECT_TRUE(oracle(c.m.s).empty());
}

TEST(AmdAtc, APageTableClearedWithoutAFlushLeavesAStaleEntryTheOracleReports) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x20000, 0x40000000, 0x1000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x20000, true), 0);
  c.table().unmap(0x20000, 0x1000);
  auto v = oracle(c.m.s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].invariant, 20);
  const size_t from = c.m.s.record.events.size();
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x20000, false), 0);
  auto h = check::check_history(c.m.s, from, c.m.s.record.warnings.size());
  EXPECT_TRUE(std::any_of(h.begin(), h.end(), [](const auto& x) { return x.invariant == 20; }));
}

TEST(AmdAtc, ACommandForTheWrongRangeLeavesTheEntry) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x20000, 0x40000000, 0x2000), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x20000, true), 0);
  ASSERT_EQ(sim::device_dma(c.m.s, c.fn, 0x21000, true), 0);
  c.table().unmap(0x20000, 0x2000);
  c.flush_iotlb(0x30000, 0x2000);  // wrong address
  EXPECT_TRUE(c.cached(0x20000) && c.cached(0x21000));
  c.flush_iotlb(0x20000, 0x1000);  // right address, one page only
  EXPECT_FALSE(c.cached(0x20000));
  EXPECT_TRUE(c.cached(0x21000));
  ASSERT_EQ(oracle(c.m.s).size(), 1u);
  c.flush_iotlb(0x20000, 0x2000);
  EXPECT_TRUE(c.atc().empty());
  EXPECT_TRUE(oracle(c.m.s).empty());
}

TEST(AmdAtc, InvAddressEncoding) {
  // One page: no S bit. More: the bits below the highest differing one set, then S.
  EXPECT_EQ(amd::build_inv_address(0x20000, 0x1000), 0x20000u);
  EXPECT_EQ(amd::build_inv_address(0x20000, 0x2000), 0x20001u);
  EXPECT_EQ(amd::build_inv_address(0x200000, 0x200000), 0x2ff001u);
  EXPECT_EQ((hw::decode_size_bit_range(0x2ff001, true)), (hw::InvRange{0x200000, 0x200000}));
  // Unaligned: [0x1000, 0x3000) becomes the 16 KiB around it.
  EXPECT_EQ((hw::decode_size_bit_range(amd::build_inv_address(0x1000, 0x2000), true)), (hw::InvRange{0, 0x4000}));
  // Everything: CMD_INV_IOMMU_ALL_PAGES_ADDRESS, and a range reaching across bit 51.
  EXPECT_EQ((hw::decode_size_bit_range(amd::build_inv_address(0, amd::kAllPages), true)), (hw::InvRange{0, 0}));
  EXPECT_EQ((hw::decode_size_bit_range(amd::build_inv_address(0xffffffffff000, 0x2000), true)), (hw::InvRange{0, 0}));
}

TEST(AmdAtc, ATwoMiBUnmapInvalidatesTwoMiBAndSparesTheRest) {
  Cached c;
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x200000, 0x40000000, 0x200000), 0);
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x400000, 0x50000000, 0x1000), 0);
  for (uint64_t iova : {0x200000ull, 0x3ff000ull, 0x400000ull}) ASSERT_EQ(sim::device_dma(c.m.s, c.fn, iova, true), 0);
  const size_t from = c.m.s.record.events.size();
  EXPECT_EQ(iommu::unmap(c.m.s, c.dom, 0x200000, 0x200000), 0x200000u);
  auto cmds = c.m.cmds(from);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[1].addr, 0x200000u);
  EXPECT_EQ(cmds[1].size, 0x200000u);
  ASSERT_EQ(c.atc().size(), 1u);
  EXPECT_EQ(c.atc()[0].iova, 0x400000u);
  EXPECT_TRUE(oracle(c.m.s).empty());
}

// detach_device: pdev_disable_caps, then the DTE, then amd_iommu_domain_flush_all, which sends
// INVALIDATE_IOTLB_PAGES only to devices whose ATS is (still) on. The leaving device's ATC is
// never invalidated (finding 17). Returns the commands of the move to a new domain.
std::vector<amd::Cmd> leave_for_own_domain(Cached& c) {
  EXPECT_EQ(iommu::map(c.m.s, c.dom, 0x20000, 0x40000000, 0x1000), 0);
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x20000, true), 0);
  const size_t from = c.m.s.record.events.size();
  auto own = iommu::domain_alloc_paging(c.m.s, c.dev);
  EXPECT_EQ(iommu::attach_group(c.m.s, own, iommu::group_of(c.m.s, c.dev)), 0);
  return c.m.cmds(from);
}

TEST(AmdAtc, DetachDisablesAtsBeforeTheDomainFlushSoTheLeavingAtcIsNeverInvalidated) {
  Cached c;
  auto cmds = leave_for_own_domain(c);
  EXPECT_TRUE(std::none_of(cmds.begin(), cmds.end(), [](const amd::Cmd& x) { return x.op == amd::CmdOp::InvIotlbPages; }));
  // A compliant endpoint invalidated its whole ATC when ATS Enable was set again for the new
  // domain: nothing stale is left, and the DMA translates afresh (and faults: nothing mapped).
  ASSERT_TRUE(c.m.hw_ats_on(c.dev));
  EXPECT_FALSE(c.cached(0x20000));
  EXPECT_TRUE(oracle(c.m.s).empty());
  EXPECT_NE(sim::device_dma(c.m.s, c.fn, 0x20000, true), 0);
}

TEST(AmdAtc, AnEndpointKeepingItsAtcAcrossTheEnableThenUsesTheOldTranslation) {
  // The same detach with a non-compliant endpoint (endpoint.keep_atc_on_enable): what finding 17
  // needs for a stale translation to be used.
  Cached c;
  c.m.s.hw.pcie.fn(c.fn).atc.on_enable = hw::pcie::AtcOnEnable::Keep;
  leave_for_own_domain(c);
  ASSERT_TRUE(c.m.hw_ats_on(c.dev));
  EXPECT_TRUE(c.cached(0x20000));
  auto v = oracle(c.m.s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].invariant, 20);
  // The device reaches the old domain's page through it.
  const size_t before = c.m.s.record.events.size();
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x20000, true), 0);
  auto h = check::check_history(c.m.s, before, c.m.s.record.warnings.size());
  EXPECT_TRUE(std::any_of(h.begin(), h.end(), [](const auto& x) { return x.invariant == 20; }));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
