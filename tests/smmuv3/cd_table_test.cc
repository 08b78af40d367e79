// The CD table's shape, pinned against 6.12.118's arm_smmu_alloc_cd_tables, arm_smmu_alloc_cd_ptr,
// arm_smmu_get_cd_ptr and arm_smmu_free_cd_tables: linear (1 << ssid_bits CDs, ssid_bits clamped
// to CTXDESC_LINEAR_CDMAX) without IDR0.CD2L or when one leaf holds every CD, else 2-level with
// 64 KiB leaves allocated on the first CD in them, the L1 descriptor written and synced
// (CFGI_CD, leaf=false) before the CD; and the SMMU's walk through the L1 table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "hw/device_dma.h"
#include "hw/smmuv3/bits.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/command.h"
#include "hw/smmuv3/regs.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "hw/smmuv3/translate.h"
#include "io/scenario.h"
#include "linux/pci/probe.h"
#include "linux/smmuv3/cd_table.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"

namespace atslab {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::smmuv3::field_get;
using sim::Op;
using sim::OpKind;
namespace hs = hw::smmuv3;
namespace ste = hw::smmuv3::ste;

struct Machine {
  sim::OpContext ctx;
  System s;
  pci::DevId acc = pci::kNoDev;

  int run(Op op) {
    op.device = "acc";
    return sim::run_op(s, ctx, op);
  }
  smmuv3::MasterId mid() const { return smmuv3::master_of(s, acc); }
  const smmuv3::Master& master() const { return s.kernel.smmuv3.masters[mid()]; }
  hs::Entry ste_now() const { return smmuv3::ste_of(s, master().smmu, master().streams.front()); }
  // pasid.yaml's first three steps: the RID on identity, the native driver bound.
  void to_identity() {
    ASSERT_EQ(run({.kind = OpKind::Unbind}), 0);
    ASSERT_EQ(run({.kind = OpKind::GroupSetType, .type = "identity"}), 0);
    ASSERT_EQ(run({.kind = OpKind::Bind, .driver = "native"}), 0);
  }
  int attach(uint32_t pasid) { return run({.kind = OpKind::PasidAttach, .pasid = pasid}); }
};

// pasid.yaml's machine (an endpoint with ATS and 20 PASID bits), its SMMU with or without CD2L.
Machine boot(bool cd2l, unsigned smmu_ssid_bits = 20) {
  io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid.yaml");
  sc.smmus[0].cd2l = cd2l;
  sc.smmus[0].ssid_bits = smmu_ssid_bits;
  Machine m;
  m.s = sim::boot_machine(sc, policy::AtsVariant::Upstream, m.ctx, 1, "");
  m.acc = *sim::resolve(m.s, m.ctx, "acc");
  return m;
}

hw::memory::Owner cd_owner(const Machine& m) { return smmuv3::kOwnerCdTable + m.mid(); }

// Without CD2L, arm_smmu_probe_device clamps ssid_bits to CTXDESC_LINEAR_CDMAX and the table is
// linear: 1 << 10 CDs in 64 KiB (16 pages, aligned to their size as dma_alloc_coherent's are).
TEST(SmmuCdTable, WithoutCd2lTheTableIsLinearAndHoldsTheKernels1024Cds) {
  Machine m = boot(false);
  EXPECT_FALSE(m.s.kernel.smmuv3.smmus[0].feat_2lvl_cdtab);
  EXPECT_EQ(m.master().ssid_bits, smmuv3::kLinearCdMax);
  m.to_identity();
  ASSERT_EQ(m.attach(1), 0);
  EXPECT_EQ(m.master().s1fmt, smmuv3::kS1FmtLinear);
  EXPECT_EQ(m.master().s1cdmax, 10u);
  EXPECT_EQ(m.master().num_ents, 1024u);
  EXPECT_TRUE(m.master().l2ptrs.empty());
  const auto e = m.ste_now();
  EXPECT_EQ(field_get(ste::k0S1Fmt, e[0]), ste::kS1FmtLinear);
  EXPECT_EQ(field_get(ste::k0S1CdMax, e[0]), 10u);
  const uint64_t cdtab = m.master().cdtab;
  EXPECT_EQ(cdtab & 0xffff, 0u) << "64 KiB, aligned to itself";
  EXPECT_EQ(e[0] & ste::k0S1CtxPtrMask, cdtab);
  for (uint64_t off = 0; off < 0x10000; off += 0x1000) EXPECT_EQ(m.s.hw.memory.owner(cdtab + off), cd_owner(m));
  EXPECT_NE(m.s.hw.memory.owner(cdtab + 0x10000), cd_owner(m));
  EXPECT_TRUE(smmuv3::cd_of(m.s, m.mid(), 1)[0] & hs::cd::k0V);
}

// With CD2L and more CDs than a leaf holds: no clamp at probe (ssid_bits 20), an L1 table of
// 1 << (20 - 10) descriptors (8 KiB), S1FMT 64K_L2 and S1CDMAX 20 in the STE, and a leaf only
// where a CD was written (PASID 1's: leaf 0).
TEST(SmmuCdTable, WithCd2lAndTwentySsidBitsTheTableIsTwoLevel) {
  Machine m = boot(true);
  EXPECT_TRUE(m.s.kernel.smmuv3.smmus[0].feat_2lvl_cdtab);
  EXPECT_EQ(m.master().ssid_bits, 20u) << "CTXDESC_LINEAR_CDMAX applies only without 2-level CD tables";
  m.to_identity();
  ASSERT_EQ(m.attach(1), 0);
  EXPECT_EQ(m.master().s1fmt, smmuv3::kS1Fmt64kL2);
  EXPECT_EQ(m.master().s1cdmax, 20u);
  EXPECT_EQ(m.master().num_ents, 1024u);
  ASSERT_EQ(m.master().l2ptrs.size(), 1024u);
  const uint64_t l1 = m.master().cdtab, leaf0 = m.master().l2ptrs[0];
  ASSERT_NE(leaf0, 0u);
  for (uint32_t i = 1; i < 1024; ++i) ASSERT_EQ(m.master().l2ptrs[i], 0u) << i;
  const auto e = m.ste_now();
  EXPECT_EQ(field_get(ste::k0S1Fmt, e[0]), ste::kS1Fmt64kL2);
  EXPECT_EQ(field_get(ste::k0S1CdMax, e[0]), 20u);
  EXPECT_EQ(e[0] & ste::k0S1CtxPtrMask, l1);
  EXPECT_EQ(m.s.hw.memory.read64(l1), leaf0 | hs::reg::kCdL1DescV);
  EXPECT_EQ(m.s.hw.memory.read64(l1 + 8), 0u);
  EXPECT_EQ(m.s.hw.memory.owner(l1 + 0x1000), cd_owner(m)) << "8 KiB of L1 descriptors";
  EXPECT_EQ(leaf0 & 0xffff, 0u);
  for (uint64_t off = 0; off < 0x10000; off += 0x1000) EXPECT_EQ(m.s.hw.memory.owner(leaf0 + off), cd_owner(m));
  EXPECT_TRUE(m.s.hw.memory.read64(leaf0 + 64) & hs::cd::k0V) << "CD 1 in leaf 0";
}

// CD2L, but the SMMU's SSIDSIZE is 10: 1024 CDs fit one leaf, so arm_smmu_alloc_cd_tables keeps
// the table linear (max_contexts <= CTXDESC_L2_ENTRIES).
TEST(SmmuCdTable, WithCd2lButNoMoreCdsThanALeafTheTableStaysLinear) {
  Machine m = boot(true, 10);
  EXPECT_EQ(m.master().ssid_bits, 10u);
  m.to_identity();
  ASSERT_EQ(m.attach(1), 0);
  EXPECT_EQ(m.master().s1fmt, smmuv3::kS1FmtLinear);
  EXPECT_EQ(field_get(ste::k0S1Fmt, m.ste_now()[0]), ste::kS1FmtLinear);
  EXPECT_EQ(field_get(ste::k0S1CdMax, m.ste_now()[0]), 10u);
}

// The commands an operation issued, read back from the SMMU's command ring.
std::vector<hs::Command> commands_since(const System& s, uint32_t prod) {
  std::vector<hs::Command> out;
  const auto& h = s.hw.smmus[0];
  const uint32_t wrap = 2 * h.cmdq_entries();
  for (uint32_t p = prod; p != h.cmdq_prod; p = (p + 1) % wrap)
    if (auto c = hs::decode(h.cmdq[p % h.cmdq_entries()])) out.push_back(*c);
  return out;
}

// arm_smmu_alloc_cd_ptr for PASID 1500 (leaf 1): the leaf allocated, its L1 descriptor written,
// then arm_smmu_sync_cd(master, ssid, false) (CFGI_CD with leaf=false, CMD_SYNC), all before the
// CD writer's first CFGI_CD (leaf=true); PASID 1501 in the same leaf allocates nothing more.
TEST(SmmuCdTable, TheLeafIsAllocatedOnItsFirstCdAndItsL1DescriptorSyncedBeforeTheCd) {
  Machine m = boot(true);
  m.to_identity();
  ASSERT_EQ(m.attach(1), 0);
  ASSERT_EQ(m.master().l2ptrs[1], 0u);
  uint32_t prod = m.s.hw.smmus[0].cmdq_prod;
  ASSERT_EQ(m.attach(1500), 0);
  const uint64_t leaf1 = m.master().l2ptrs[1];
  ASSERT_NE(leaf1, 0u);
  EXPECT_EQ(m.s.hw.memory.read64(m.master().cdtab + 8), leaf1 | hs::reg::kCdL1DescV);
  EXPECT_TRUE(m.s.hw.memory.read64(leaf1 + (1500 - 1024) * 64) & hs::cd::k0V);
  const auto cmds = commands_since(m.s, prod);
  size_t l1_sync = cmds.size(), cd_sync = cmds.size();
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (cmds[i].op != hs::Op::CFGI_CD || cmds[i].ssid != 1500) continue;
    if (!cmds[i].leaf && l1_sync == cmds.size()) l1_sync = i;
    if (cmds[i].leaf && cd_sync == cmds.size()) cd_sync = i;
  }
  ASSERT_LT(l1_sync, cmds.size()) << "CFGI_CD leaf=false for the new L1 descriptor";
  ASSERT_LT(cd_sync, cmds.size());
  EXPECT_LT(l1_sync, cd_sync);
  ASSERT_LT(l1_sync + 1, cmds.size());
  EXPECT_EQ(cmds[l1_sync + 1].op, hs::Op::CMD_SYNC);
  EXPECT_EQ(cmds[l1_sync].sid, m.master().streams.front());

  prod = m.s.hw.smmus[0].cmdq_prod;
  ASSERT_EQ(m.attach(1501), 0);
  EXPECT_EQ(m.master().l2ptrs[1], leaf1);
  for (const auto& c : commands_since(m.s, prod)) EXPECT_FALSE(c.op == hs::Op::CFGI_CD && !c.leaf) << "no new leaf";
}

// DMA tagged with PASID 1500 walks the STE, L1 descriptor 1 and leaf 1 to PASID 1500's domain,
// and PASID 70000 (leaf 68) likewise.
TEST(SmmuCdTable, DmaThroughPasidsInLaterLeaves) {
  Machine m = boot(true);
  m.to_identity();
  for (uint32_t pasid : {1500u, 70000u}) {
    ASSERT_EQ(m.attach(pasid), 0) << pasid;
    ASSERT_EQ(m.run({.kind = OpKind::PasidDma, .iova = sim::OpContext::kIovaBase, .write = true, .pasid = pasid}), 0) << pasid;
    const auto r = hw::device_dma(m.s.hw, 0, m.s.kernel.devs[m.acc].fn, true, pasid, sim::OpContext::kIovaBase, true);
    ASSERT_TRUE(r.ok) << pasid;
    EXPECT_EQ(r.pa, sim::pasid_buffer(pasid)) << pasid;
  }
  EXPECT_NE(m.master().l2ptrs[1], 0u);
  EXPECT_NE(m.master().l2ptrs[70000 / 1024], 0u);
  // Leaf 0 is the boot's: the default DMA domain is stage 1, its CD 0 (arm_smmu_attach_dev's
  // arm_smmu_alloc_cd_ptr(master, IOMMU_NO_PASID)). No other leaf was wanted.
  EXPECT_NE(m.master().l2ptrs[0], 0u);
  size_t leaves = 0;
  for (uint64_t l2 : m.master().l2ptrs) leaves += l2 != 0;
  EXPECT_EQ(leaves, 3u);
}

// The SMMU's walk (stream_table.cc cd_address, translate.cc): an SSID whose L1 descriptor is
// invalid fetches no CD (C_BAD_CD, the model's event for it), an SSID beyond S1CDMAX is refused
// before the walk (C_BAD_SUBSTREAMID).
TEST(SmmuCdTable, TheWalkRefusesAnInvalidL1DescriptorAndAnSsidPastS1cdmax) {
  Machine m = boot(true);
  m.to_identity();
  ASSERT_EQ(m.attach(1500), 0);
  const hs::Entry e = m.ste_now();
  EXPECT_TRUE(hs::cd_address(m.s.hw.memory, e, 1500).has_value());
  EXPECT_FALSE(hs::cd_address(m.s.hw.memory, e, 5000).has_value()) << "L1 descriptor 4 is invalid";
  // Untranslated requests, as the SMMU takes them (translate.cc).
  const uint32_t sid = m.master().streams.front();
  auto r = hs::translate(m.s.hw, 0, {.sid = sid, .ssv = true, .ssid = 5000, .addr = sim::OpContext::kIovaBase, .write = true});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.event, hs::EventId::C_BAD_CD);
  r = hs::translate(m.s.hw, 0, {.sid = sid, .ssv = true, .ssid = 1500, .addr = sim::OpContext::kIovaBase, .write = true});
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.pa, sim::pasid_buffer(1500));
  r = hs::translate(m.s.hw, 0, {.sid = sid, .ssv = true, .ssid = 1u << 20, .addr = sim::OpContext::kIovaBase, .write = true});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.event, hs::EventId::C_BAD_SUBSTREAMID) << "SSID 2^20 is past S1CDMAX 20";
  // Narrow S1CDMAX to 11 by hand: SSID 5000 is past it.
  hs::Entry narrow = e;
  narrow[0] = (narrow[0] & ~ste::k0S1CdMax) | hs::field_prep(ste::k0S1CdMax, 11);
  EXPECT_FALSE(hs::cd_address(m.s.hw.memory, narrow, 5000).has_value());
  EXPECT_TRUE(hs::cd_address(m.s.hw.memory, narrow, 1500).has_value());
}

// arm_smmu_free_cd_tables at release: each leaf (by its L1 descriptor's address), then the L1
// table, back to the pool as the 64 KiB and 8 KiB blocks they were.
TEST(SmmuCdTable, ReleaseFreesEveryLeafAndTheL1Table) {
  Machine m = boot(true);
  m.to_identity();
  ASSERT_EQ(m.attach(1), 0);
  ASSERT_EQ(m.attach(1500), 0);
  const smmuv3::MasterId mid = m.mid();
  const uint64_t l1 = m.master().cdtab, leaf0 = m.master().l2ptrs[0], leaf1 = m.master().l2ptrs[1];
  pci::stop_and_remove_bus_device(m.s, m.acc);
  EXPECT_EQ(m.s.kernel.smmuv3.masters[mid].cdtab, 0u);
  EXPECT_TRUE(m.s.kernel.smmuv3.masters[mid].l2ptrs.empty());
  for (uint64_t pa : {l1, leaf0, leaf1}) EXPECT_EQ(m.s.hw.memory.owner(pa), hw::memory::kFree);
  const auto& blocks = m.s.kernel.smmuv3.pages.free_blocks;
  auto freed = [&](uint64_t pa, unsigned order) {
    return std::find(blocks.begin(), blocks.end(), smmuv3::PagePool::Block{.pa = pa, .order = uint8_t(order)}) != blocks.end();
  };
  EXPECT_TRUE(freed(leaf0, smmuv3::kCdLeafOrder));
  EXPECT_TRUE(freed(leaf1, smmuv3::kCdLeafOrder));
  EXPECT_TRUE(freed(l1, 1));
}

// Finding 26's second road (scenarios/pasid-past-linear-cdtab.yaml): no CD2L, SSIDSIZE 20, a
// device with 2^20 PASIDs. The core's max_pasids (2^20) lets PASID 1024 through, the master's
// linear table holds 1024 CDs (ssid_bits clamped to 10), and arm_smmu_get_cd_ptr's unbounded
// &linear.table[1024] is the first CD past the 64 KiB allocation: the attach succeeds and the CD
// lands in memory the table does not own, where the SMMU (S1CDMAX 10) never looks.
TEST(SmmuCdTable, WithoutCd2lPasid1024IsWrittenPastTheLinearTable) {
  Machine m = boot(false);
  EXPECT_EQ(m.s.kernel.iommu.devs[m.acc].max_pasids, 1u << 20);
  m.to_identity();
  ASSERT_EQ(m.attach(1), 0);
  ASSERT_EQ(m.attach(1024), 0) << "nothing between the core and arm_smmu_get_cd_ptr checks the table's size";
  const uint64_t past = m.master().cdtab + 1024 * 64;
  EXPECT_FALSE(smmuv3::cd_in_allocation(m.master(), 1024));
  EXPECT_TRUE(smmuv3::cd_in_allocation(m.master(), 1023));
  EXPECT_TRUE(m.s.hw.memory.read64(past) & hs::cd::k0V);
  EXPECT_NE(m.s.hw.memory.owner(past), cd_owner(m)) << "the page after the table is not the table's";
  EXPECT_EQ(m.master().used_ssids, 2u);
  const auto r = hs::translate(m.s.hw, 0, {.sid = m.master().streams.front(), .ssv = true, .ssid = 1024, .addr = sim::OpContext::kIovaBase});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.event, hs::EventId::C_BAD_SUBSTREAMID) << "S1CDMAX 10";
}

// A CD table without CD 0 (finding 26): on iommu.passthrough=1 the RID has been identity from boot,
// so the first PASID attach makes the 2-level table, and PASID 1500 allocates leaf 1 only. Its
// detach is the last PASID: the identity downgrade's arm_smmu_clear_cd(master, IOMMU_NO_PASID)
// finds no CD 0 and WARNs (the 2026 driver's condition; 6.12.118's is WARN_ON(!cdptr)). Through
// PASID 1, whose CD is in leaf 0, the same detach is quiet.
TEST(SmmuCdTable, OnPassthroughTheLastPasidOutsideLeafZeroWarnsInClearCd) {
  for (const uint32_t pasid : {1500u, 1u}) {
    SCOPED_TRACE(pasid);
    io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid-cd2l-passthrough.yaml");
    Machine m;
    m.s = sim::boot_machine(sc, policy::AtsVariant::SeriesV3, m.ctx, 1, "");
    m.acc = *sim::resolve(m.s, m.ctx, "acc");
    EXPECT_EQ(m.master().cdtab, 0u) << "identity from boot: no CD table yet";
    ASSERT_EQ(m.attach(pasid), 0);
    EXPECT_EQ(m.master().l2ptrs.size(), 1024u);
    EXPECT_EQ(m.master().l2ptrs[0] != 0, pasid < 1024) << "leaf 0 only for a PASID in it";
    ASSERT_EQ(m.run({.kind = OpKind::PasidDetach, .pasid = pasid}), 0);
    if (pasid < 1024) {
      EXPECT_TRUE(m.s.record.warnings.empty());
      continue;
    }
    ASSERT_EQ(m.s.record.warnings.size(), 1u);
    const auto& w = m.s.record.warnings.front();
    EXPECT_EQ(w.function, kernel::KFn::arm_smmu_clear_cd);
    EXPECT_EQ(w.condition, "!master->ats_always_on || ssid");
    EXPECT_EQ(w.line, 1632);
    ASSERT_GE(w.call_trace.size(), 3u);
    EXPECT_EQ(w.call_trace[1], kernel::KFn::arm_smmu_attach_dev_ste);
    EXPECT_EQ(field_get(ste::k0Cfg, m.ste_now()[0]), ste::kCfgBypass) << "the downgrade itself went through";
  }
}

// The same WARN from userspace (since 6.13): a VMM's PASID 2000 on a passthrough host's bound cdev,
// whose RID is blocked with no CD table; VFIO_DEVICE_DETACH_IOMMUFD_PT downgrades it to blocked.
TEST(SmmuCdTable, AVmmsPasidPastLeafZeroWarnsAtItsDetachOnAPassthroughHost) {
  io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/iommufd-pasid-cd2l-passthrough.yaml");
  const sim::ScenarioResult r = sim::run_scenario(sc, policy::AtsVariant::FailEarly);
  ASSERT_EQ(r.final.record.warnings.size(), 1u);
  const auto& w = r.final.record.warnings.front();
  EXPECT_EQ(w.function, kernel::KFn::arm_smmu_clear_cd);
  EXPECT_TRUE(std::find(w.call_trace.begin(), w.call_trace.end(), kernel::KFn::arm_smmu_attach_dev_blocked) != w.call_trace.end());
  EXPECT_EQ(w.call_trace.back(), kernel::KFn::vfio_df_ioctl_detach_pt);
  EXPECT_TRUE(r.violated.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab
