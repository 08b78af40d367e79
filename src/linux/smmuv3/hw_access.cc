#include "hw/pcie/atc.h"
#include "linux/smmuv3/hw_access.h"

#include <fmt/format.h>

#include "hw/pcie/capability_walk.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/cmdq.h"
#include "hw/smmuv3/stream_table.h"
#include "linux/kernel/barrier.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/smmuv3/atc_inv.h"
#include "linux/smmuv3/cd_table.h"
#include "linux/smmuv3/cmdq.h"
#include "linux/smmuv3/entry_writers.h"
#include "linux/smmuv3/hw_probe.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;
namespace hs = hw::smmuv3;

namespace {
// Where the driver puts each SMMU's stream table in the model's physical memory.
constexpr uint64_t kStrtabL1Base = 0x10000000ull, kStrtabL2Base = 0x11000000ull, kPerSmmu = 0x02000000ull;
// The owner tag of stream-table pages (so a DMA into them is seen for what it is).
constexpr hw::memory::Owner kOwnerStreamTable = 0x53540000;

bool endpoint_ats_enabled(const System& s, hw::pcie::FnId f) { return hw::pcie::ats_control(s.hw.pcie.fn(f).cfg).enabled; }
}  // namespace

void device_reset(System& s, uint16_t smmu, hw::pcie::RcId rc) {
  auto& m = s.hw;
  if (m.smmus.size() <= smmu) m.smmus.resize(smmu + 1);
  hs::Smmu& h = m.smmus[smmu];
  h.rc = rc;
  const Smmu& feat = s.kernel.smmuv3.smmus.at(smmu);
  const uint64_t base = kStrtabL1Base + smmu * kPerSmmu;
  h.strtab_base = base;
  if (feat.feat_2lvl_strtab) {
    // arm_smmu_init_strtab_2lvl: an L1 table covering the SID bits, leaves allocated per master.
    const uint64_t l1_bytes = 8ull << (feat.sid_bits > kStrtabSplit ? feat.sid_bits - kStrtabSplit : 0);
    for (uint64_t off = 0; off < l1_bytes; off += 0x1000)
      if (m.memory.owner(base + off) == hw::memory::kFree) m.memory.alloc_page(base + off, kOwnerStreamTable + smmu);
    h.strtab_base_cfg = uint32_t(hs::field_prep(hs::reg::kStrtabBaseCfgFmt, hs::reg::kStrtabBaseCfgFmt2Lvl) |
                                 hs::field_prep(hs::reg::kStrtabBaseCfgSplit, kStrtabSplit) |
                                 hs::field_prep(hs::reg::kStrtabBaseCfgLog2Size, feat.sid_bits));
  } else {
    // arm_smmu_init_strtab_linear: one STE per SID, all written at once, every one abort
    // (arm_smmu_init_initial_stes). Only small SID spaces choose it (hw_probe.cc).
    const uint64_t bytes = uint64_t{hs::kEntryBytes} << feat.sid_bits;
    for (uint64_t off = 0; off < bytes; off += 0x1000)
      if (m.memory.owner(base + off) == hw::memory::kFree) m.memory.alloc_page(base + off, kOwnerStreamTable + smmu);
    const Ste abort = make_abort_ste();
    for (uint64_t i = 0; i < (uint64_t{1} << feat.sid_bits); ++i)
      for (unsigned q = 0; q < hs::kEntryQwords; ++q) m.memory.write64(base + hs::kEntryBytes * i + 8 * q, abort[q]);
    h.strtab_base_cfg = uint32_t(hs::field_prep(hs::reg::kStrtabBaseCfgFmt, hs::reg::kStrtabBaseCfgFmtLinear) |
                                 hs::field_prep(hs::reg::kStrtabBaseCfgLog2Size, feat.sid_bits));
  }
  h.cr0 = hs::reg::kCr0SmmuEn | hs::reg::kCr0EvtqEn | hs::reg::kCr0CmdqEn | (h.ats() ? hs::reg::kCr0AtsChk : 0);
}

void device_disable(System& s, uint16_t smmu) { s.hw.smmus.at(smmu).cr0 = 0; }

void init_l2_strtab(System& s, uint16_t smmu, uint32_t sid) {
  auto& m = s.hw;
  if (!s.kernel.smmuv3.smmus.at(smmu).feat_2lvl_strtab) return;  // linear: every STE exists already
  uint64_t l1 = m.smmus.at(smmu).strtab_base;
  uint64_t desc_pa = l1 + 8ull * (sid >> kStrtabSplit);
  if (m.memory.read64(desc_pa) & 0x1f) return;  // the leaf exists
  uint64_t l2 = kStrtabL2Base + smmu * kPerSmmu + (uint64_t{sid >> kStrtabSplit} << 14);
  for (uint64_t off = 0; off < (64ull << kStrtabSplit); off += 0x1000)
    if (m.memory.owner(l2 + off) == hw::memory::kFree) m.memory.alloc_page(l2 + off, kOwnerStreamTable + smmu);
  // arm_smmu_init_initial_stes: every STE of a new leaf starts as abort.
  Ste abort = make_abort_ste();
  for (unsigned i = 0; i < (1u << kStrtabSplit); ++i)
    for (unsigned q = 0; q < hs::kEntryQwords; ++q) m.memory.write64(l2 + 64ull * i + 8 * q, abort[q]);
  m.memory.write64(desc_pa, l2 | (kStrtabSplit + 1));  // L1STD: L2Ptr | SPAN
}

int cmdq_issue(System& s, uint16_t smmu, const std::vector<hs::Command>& cmds, bool sync, bool from_array) {
  Frame f(s, KFn::arm_smmu_cmdq_issue_cmdlist);
  for (const hs::Command& c : cmds) {
    int64_t arg = c.op == hs::Op::TLBI_NH_ASID || c.op == hs::Op::TLBI_NH_VA        ? c.asid
                  : c.op == hs::Op::TLBI_S12_VMALL || c.op == hs::Op::TLBI_S2_IPA ? c.vmid
                                                                                  : c.sid;
    s.record.event(kernel::EventKind::SmmuCommand, smmu, static_cast<int64_t>(c.op), arg);
    if (c.op == hs::Op::ATC_INV) {
      s.record.event(kernel::EventKind::AtcInvRange, smmu, hs::atc_inv_range_a(c), hs::atc_inv_range_b(c));
      hw::pcie::FnId ep = hs::function_of_sid(s.hw, smmu, c.sid);
      if (ep != hw::pcie::kNoFn && !endpoint_ats_enabled(s, ep)) {
        s.record.event(kernel::EventKind::AtcInvToAtsDisabled, ep, c.sid, from_array);
        // A fault plan may make this endpoint ignore it while its ATS is off: no PCIe text allows
        // that (the 587bb3e56a2c commit message says endpoints may), and Linux relies on
        // completion here since v5.3, so it is a named non-compliance.
        if (faults::inject(s, faults::Point::EndpointIgnoresAtcInv))
          s.hw.pcie.fn(ep).atc.inv_while_disabled = hw::pcie::AtcInvWhileDisabled::Ignore;
      }
    }
  }
  if (sync) s.record.event(kernel::EventKind::SmmuCommand, smmu, static_cast<int64_t>(hs::Op::CMD_SYNC), 0);
  CmdqStats stats;
  int ret = cmdq_issue_cmdlist(s.hw, smmu, cmds, sync, &stats);
  const std::string dev = fmt::format("arm-smmu-v3 arm-smmu-v3.{}.auto", smmu);
  if (stats.atc_inv_timeouts) {
    s.record.event(kernel::EventKind::CmdSyncTimeout, smmu, stats.atc_inv_timeouts);
    // arm_smmu_gerror_handler, then arm_smmu_cmdq_skip_err: CONS stays on the CMD_SYNC, retried.
    for (uint64_t i = 0; i < stats.atc_inv_timeouts; ++i) {
      s.record.log.push_back({s.record.next(), kernel::Level::Warning,
                              fmt::format("{}: unexpected global error reported (0x00000001), this could be serious", dev)});
      s.record.log.push_back({s.record.next(), kernel::Level::Err,
                              fmt::format("{}: CMDQ error (cons 0x{:08x}): ATC invalidate timeout", dev, s.hw.smmus.at(smmu).cmdq_cons)});
    }
  }
  if (ret) {
    const auto& h = s.hw.smmus.at(smmu);
    s.record.log.push_back({s.record.next(), kernel::Level::Err,
                            fmt::format("{}: CMD_SYNC timeout at 0x{:08x} [hwprod 0x{:08x}, hwcons 0x{:08x}]", dev, h.cmdq_prod,
                                        h.cmdq_prod, h.cmdq_cons)});
    return -ETIMEDOUT;
  }
  return 0;
}

void install_ste_for_dev(System& s, MasterId m, const Ste& target) {
  Frame f(s, KFn::arm_smmu_install_ste_for_dev);
  Master& master = s.kernel.smmuv3.masters.at(m);
  master.cd_table_in_ste = ste::cfg(target) == ste::kCfgS1Trans;
  master.ste_ats_enabled = ste::eats(target) == ste::kEatsTrans;
  uint16_t smmu = master.smmu;
  std::vector<uint32_t> streams = master.streams;
  for (uint32_t sid : streams) {
    auto pa = hs::ste_address(s.hw.memory, s.hw.smmus.at(smmu), sid);
    if (!pa) continue;
    // arm_smmu_write_entry opens with dma_wmb(): what the STE points at (the CD, the
    // io-pgtable) and the array published before it are visible first (invariant 22).
    kernel::dma_wmb(s, smmu);
    // The record notes STEs that change; the write itself runs either way.
    if (hs::read_entry(s.hw.memory, *pa) != target)
      s.record.event(kernel::EventKind::SteWrite, smmu, sid, static_cast<int64_t>(target[1]));
    // arm_smmu_write_ste, for every stream even when the STE already equals the
    // target: the writer then stores nothing and syncs nothing, but the
    // PREFETCH_CFG that follows is still issued, as the kernel does.
    // The hitless (or breaking) sequence, each step synced with CFGI_STE + CMD_SYNC.
    SteWriter w(s.hw, smmu, sid, *pa);
    write_ste(w, sid, target);
  }
}

void write_cd_entry(System& s, MasterId m, uint32_t ssid, const hs::Entry& target) {
  Frame f(s, KFn::arm_smmu_write_cd_entry);
  // The caller's cdptr (arm_smmu_alloc_cd_ptr or arm_smmu_get_cd_ptr): none, nothing to write.
  const auto cdptr = get_cd_ptr(s, m, ssid);
  if (!cdptr) return;
  const Master& master = s.kernel.smmuv3.masters.at(m);
  // cd_table.used_ssids counts the valid CDs other than CD 0 (what arm_smmu_ssids_in_use reads).
  if (ssid != 0) {
    const bool cur_valid = cd_of(s, m, ssid)[0] & hs::cd::k0V, target_valid = target[0] & hs::cd::k0V;
    if (cur_valid != target_valid) {
      if (cur_valid) s.kernel.smmuv3.masters.at(m).used_ssids--;
      else s.kernel.smmuv3.masters.at(m).used_ssids++;
    }
  }
  kernel::dma_wmb(s, master.smmu);  // arm_smmu_write_entry's, as for an STE
  CdWriter w(s.hw, master.smmu, master.streams, ssid, *cdptr);
  write_entry(w, target);
}

void clear_cd(System& s, MasterId m, uint32_t ssid) {
  Frame f(s, KFn::arm_smmu_clear_cd);
  if (!s.kernel.smmuv3.masters.at(m).cdtab) return;
  // No CD there: a 2-level table whose leaf for `ssid` was never allocated. The 2026 driver lets
  // only an always-on master's CD 0 be missing (its identity CD table has no CD 0); any other
  // WARNs, as 6.12's unconditional WARN_ON(!cdptr) does (finding 26, "A CD table without CD 0").
  if (!get_cd_ptr(s, m, ssid)) {
    kernel::warn_on(s, !s.kernel.smmuv3.masters.at(m).ats_always_on || ssid != 0, "!master->ats_always_on || ssid", 1632);
    return;
  }
  write_cd_entry(s, m, ssid, hs::Entry{});
}

hs::Entry cd_of(const System& s, MasterId m, uint32_t ssid) {
  const auto cdptr = get_cd_ptr(s, m, ssid);
  return cdptr ? hs::read_entry(s.hw.memory, *cdptr) : hs::Entry{};
}

Ste ste_of(const System& s, uint16_t smmu, uint32_t sid) {
  if (smmu >= s.hw.smmus.size()) return Ste{};
  auto pa = hs::ste_address(s.hw.memory, s.hw.smmus[smmu], sid);
  return pa ? hs::read_entry(s.hw.memory, *pa) : Ste{};
}

}  // namespace atslab::smmuv3
