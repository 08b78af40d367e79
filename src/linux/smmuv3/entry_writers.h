#pragma once
// The STE and CD writers over modelled memory: arm_smmu_ste_writer_ops and
// arm_smmu_cd_writer_ops with arm_smmu_write_ste / arm_smmu_write_cd_entry.
// A sync is CFGI_STE (or CFGI_CD per stream) with leaf=1, then CMD_SYNC.
#include <cstdint>
#include <vector>

#include "hw/machine.h"
#include "linux/smmuv3/cmdq.h"
#include "linux/smmuv3/write_entry.h"

namespace atslab::smmuv3 {

class MemoryEntryWriter : public EntryWriter {
 public:
  MemoryEntryWriter(hw::Machine& m, unsigned smmu, uint64_t entry_pa) : m_(m), smmu_(smmu), pa_(entry_pa) {}
  uint64_t read_qword(unsigned i) const override;
  Entry read_entry() const override;
  // One WRITE_ONCE: a single 64-bit store the SMMU sees whole.
  void write_qword(unsigned i, uint64_t v) override;
  const CmdqStats& cmdq_stats() const { return stats_; }
  hw::Machine& machine() { return m_; }
  unsigned smmu() const { return smmu_; }

 protected:
  hw::Machine& m_;
  unsigned smmu_;
  uint64_t pa_;
  CmdqStats stats_;
};

class SteWriter : public MemoryEntryWriter {
 public:
  SteWriter(hw::Machine& m, unsigned smmu, uint32_t sid, uint64_t ste_pa)
      : MemoryEntryWriter(m, smmu, ste_pa), sid_(sid) {}
  Entry get_used(const Entry& ent) const override;
  Entry get_update_safe(const Entry& cur, const Entry& target) const override;
  void sync() override;

 private:
  uint32_t sid_;
};

class CdWriter : public MemoryEntryWriter {
 public:
  CdWriter(hw::Machine& m, unsigned smmu, std::vector<uint32_t> sids, uint32_t ssid, uint64_t cd_pa)
      : MemoryEntryWriter(m, smmu, cd_pa), sids_(std::move(sids)), ssid_(ssid) {}
  Entry get_used(const Entry& ent) const override;
  Entry get_update_safe(const Entry& cur, const Entry& target) const override;
  void sync() override;

 private:
  std::vector<uint32_t> sids_;
  uint32_t ssid_;
};

// arm_smmu_write_ste: the write, then PREFETCH_CFG for the SID (no sync)
// unless the SMMU has ARM_SMMU_OPT_SKIP_PREFETCH.
WriteReport write_ste(SteWriter& w, uint32_t sid, const Entry& target, bool skip_prefetch = false);

}  // namespace atslab::smmuv3
