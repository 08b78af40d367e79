#include "linux/smmuv3/entry_writers.h"

#include "hw/smmuv3/stream_table.h"
#include "linux/smmuv3/entry_used.h"

namespace atslab::smmuv3 {

namespace hs = hw::smmuv3;

uint64_t MemoryEntryWriter::read_qword(unsigned i) const { return m_.memory.read64(pa_ + 8 * i); }
Entry MemoryEntryWriter::read_entry() const { return hs::read_entry(m_.memory, pa_); }
void MemoryEntryWriter::write_qword(unsigned i, uint64_t v) { m_.memory.write64(pa_ + 8 * i, v); }

Entry SteWriter::get_used(const Entry& ent) const { return get_ste_used(ent); }
Entry SteWriter::get_update_safe(const Entry& cur, const Entry& target) const {
  return get_ste_update_safe(cur, target);
}
void SteWriter::sync() {
  hs::Command c;
  c.op = hs::Op::CFGI_STE;
  c.sid = sid_;
  c.leaf = true;
  cmdq_issue_cmdlist(m_, smmu_, {c}, true, &stats_);
}

Entry CdWriter::get_used(const Entry& ent) const { return get_cd_used(ent); }
Entry CdWriter::get_update_safe(const Entry& cur, const Entry& target) const {
  return get_cd_update_safe(cur, target);
}
void CdWriter::sync() { cmdq_issue_cmdlist(m_, smmu_, make_cfgi_cd_cmds(sids_, ssid_, true), true, &stats_); }

WriteReport write_ste(SteWriter& w, uint32_t sid, const Entry& target, bool skip_prefetch) {
  WriteReport rep = write_entry(w, target);
  if (!skip_prefetch) {
    hs::Command c;
    c.op = hs::Op::PREFETCH_CFG;
    c.sid = sid;
    cmdq_issue_cmdlist(w.machine(), w.smmu(), {c}, false);
  }
  return rep;
}

}  // namespace atslab::smmuv3
