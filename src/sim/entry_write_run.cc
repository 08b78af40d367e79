#include "sim/entry_write_run.h"

#include "hw/machine.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/regs.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "linux/smmuv3/entry_writers.h"

namespace atslab::sim {

namespace hs = hw::smmuv3;

namespace {

constexpr uint64_t kStrtabPa = 0x80000, kCdTablePa = 0x90000;
constexpr hw::memory::Owner kOwnerStrtab = 1, kOwnerCdTable = 2;

// Observes the writer's stores and syncs from the outside, as the checker needs them.
template <typename Base>
class Recording : public Base {
 public:
  using Base::Base;
  void write_qword(unsigned i, uint64_t v) override {
    Base::write_qword(i, v);
    stores.push_back({i, this->m_.memory.read64(this->pa_ + 8 * i), false});
  }
  void sync() override {
    const uint64_t before = this->m_.smmus[this->smmu_].syncs_completed;
    Base::sync();
    // Only a CMD_SYNC the SMMU actually completed closes a window of torn fetches.
    if (!stores.empty() && this->m_.smmus[this->smmu_].syncs_completed > before) stores.back().sync_after = true;
    if (this->read_qword(0) == 0) q0_zero_at_sync = true;
  }
  std::vector<check::ObservedStore> stores;
  bool q0_zero_at_sync = false;
};

hw::Machine make_machine() {
  hw::Machine m;
  hs::Smmu s;
  s.cr0 = hs::reg::kCr0SmmuEn | hs::reg::kCr0EvtqEn | hs::reg::kCr0CmdqEn | hs::reg::kCr0AtsChk;
  s.strtab_base = kStrtabPa;
  s.strtab_base_cfg = uint32_t(hs::field_prep(hs::reg::kStrtabBaseCfgFmt, hs::reg::kStrtabBaseCfgFmtLinear) |
                               hs::field_prep(hs::reg::kStrtabBaseCfgLog2Size, 6));
  m.smmus.push_back(s);
  m.memory.alloc_page(kStrtabPa, kOwnerStrtab);
  m.memory.alloc_page(kCdTablePa, kOwnerCdTable);
  return m;
}

void poke_entry(hw::Machine& m, uint64_t pa, const Entry& e) {
  for (unsigned i = 0; i < hs::kEntryQwords; i++) m.memory.write64(pa + 8 * i, e[i]);
}

}  // namespace

EntryWriteRun run_entry_write(EntryKind kind, const Entry& from, const Entry& to,
                              const check::HitlessOptions& opts) {
  hw::Machine m = make_machine();
  EntryWriteRun run;
  const uint32_t prod_before = m.smmus[0].cmdq_prod;
  const uint64_t syncs_before = m.smmus[0].syncs_completed;
  uint64_t pa = 0;
  if (kind == EntryKind::Ste) {
    pa = *hs::ste_address(m.memory, m.smmus[0], kRunSid);
    poke_entry(m, pa, from);
    Recording<smmuv3::SteWriter> w(m, 0, kRunSid, pa);
    run.report = smmuv3::write_ste(w, kRunSid, to);
    run.stores = w.stores;
    run.qword0_zero_at_sync = w.q0_zero_at_sync;
  } else {
    pa = kCdTablePa + kRunSsid * hs::kEntryBytes;
    poke_entry(m, pa, from);
    Recording<smmuv3::CdWriter> w(m, 0, std::vector<uint32_t>{kRunSid}, kRunSsid, pa);
    run.report = smmuv3::write_entry(w, to);
    run.stores = w.stores;
    run.qword0_zero_at_sync = w.q0_zero_at_sync;
  }
  const hs::Smmu& s = m.smmus[0];
  for (uint32_t p = prod_before; p != s.cmdq_cons; p = (p + 1) & (2 * s.cmdq_entries() - 1))
    if (auto c = hs::decode(s.cmdq[p & (s.cmdq_entries() - 1)])) run.commands.push_back(*c);
  run.syncs_completed = unsigned(s.syncs_completed - syncs_before);
  run.final_entry = hs::read_entry(m.memory, pa);
  run.final_equals_target = run.final_entry == to;
  run.verdict =
      check::check_hitless(kind, from, to, run.stores, run.report.path == smmuv3::WritePath::Breaking, opts);

  // "Breaking" from the hardware's side: some intermediate entry was invalid
  // (V=0) while neither the old nor the new entry is.
  const uint64_t v_bit = kind == EntryKind::Ste ? hs::ste::k0V : hs::cd::k0V;
  if ((from[0] & v_bit) && (to[0] & v_bit)) {
    Entry cur = from;
    for (const auto& st : run.stores) {
      cur[st.qword] = st.value;
      if (!(cur[0] & v_bit)) run.breaking = true;
    }
  }
  return run;
}

}  // namespace atslab::sim
