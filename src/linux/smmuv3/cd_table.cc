#include "linux/smmuv3/cd_table.h"

#include <algorithm>

#include "hw/smmuv3/command.h"
#include "hw/smmuv3/entry.h"
#include "hw/smmuv3/regs.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/kfunc.h"
#include "linux/kernel/printk.h"
#include "linux/smmuv3/cmdq.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/io_pgtable_arm.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;
namespace hs = hw::smmuv3;

namespace {
constexpr uint64_t kCdBytes = hs::kEntryBytes;
constexpr uint64_t kL1DescBytes = 8;

// dma_alloc_coherent's order for `bytes`: whole pages, a power of two of them (get_order).
unsigned dma_order(uint64_t bytes) {
  unsigned order = 0;
  while ((hw::memory::kPageSize << order) < bytes) order++;
  return order;
}
hw::memory::Owner owner_of(MasterId m) { return kOwnerCdTable + (m & 0xffff); }
uint64_t table_bytes(const Master& m) { return m.num_ents * (m.s1fmt == kS1FmtLinear ? kCdBytes : kL1DescBytes); }

// arm_smmu_sync_cd: CFGI_CD for `ssid` on every StreamID of the master, then CMD_SYNC.
void sync_cd(System& s, MasterId m, uint32_t ssid, bool leaf) {
  Frame f(s, KFn::arm_smmu_sync_cd);
  const Master& master = s.kernel.smmuv3.masters.at(m);
  cmdq_issue(s, master.smmu, make_cfgi_cd_cmds(master.streams, ssid, leaf), true);
}
}  // namespace

int alloc_cd_tables(System& s, MasterId m) {
  Frame f(s, KFn::arm_smmu_alloc_cd_tables);
  Master& master = s.kernel.smmuv3.masters.at(m);
  // 7.2: S1CDMAX no lower than 1 for a master whose ATS stays on (a dummy substream, so that
  // S1DSS and EATS count); 6.12 has no such master.
  master.s1cdmax = master.ats_always_on ? std::max<uint8_t>(master.ssid_bits, 1) : master.ssid_bits;
  const uint64_t max_contexts = uint64_t{1} << master.s1cdmax;
  if (!s.kernel.smmuv3.smmus.at(master.smmu).feat_2lvl_cdtab || max_contexts <= kCtxdescL2Entries) {
    master.s1fmt = kS1FmtLinear;
    master.num_ents = static_cast<uint32_t>(max_contexts);
  } else {
    master.s1fmt = kS1Fmt64kL2;
    master.num_ents = static_cast<uint32_t>((max_contexts + kCtxdescL2Entries - 1) / kCtxdescL2Entries);
    master.l2ptrs.assign(master.num_ents, 0);  // kcalloc
  }
  const uint64_t cdtab = pool_alloc_pages(s.hw.memory, s.kernel.smmuv3.pages, owner_of(m), dma_order(table_bytes(master)));
  if (!cdtab) {
    master.l2ptrs.clear();
    master.num_ents = 0;
    return -ENOMEM;
  }
  master.cdtab = cdtab;
  return 0;
}

std::optional<uint64_t> get_cd_ptr(const System& s, MasterId m, uint32_t ssid) {
  const Master& master = s.kernel.smmuv3.masters.at(m);
  if (!master.cdtab) return std::nullopt;
  if (master.s1fmt == kS1FmtLinear) return master.cdtab + uint64_t{ssid} * kCdBytes;
  const uint32_t idx = ssid / kCtxdescL2Entries;  // arm_smmu_cdtab_l1_idx
  // The kernel indexes l2ptrs without a bound too; the STE's S1CDMAX keeps such an SSID from
  // the SMMU, and the IOMMU core's max_pasids from the driver (1 << SSIDSIZE = 1 << ssid_bits here).
  if (idx >= master.l2ptrs.size() || !master.l2ptrs[idx]) return std::nullopt;
  return master.l2ptrs[idx] + uint64_t{ssid % kCtxdescL2Entries} * kCdBytes;  // arm_smmu_cdtab_l2_idx
}

std::optional<uint64_t> alloc_cd_ptr(System& s, MasterId m, uint32_t ssid) {
  Frame f(s, KFn::arm_smmu_alloc_cd_ptr);
  if (!s.kernel.smmuv3.masters.at(m).cdtab && alloc_cd_tables(s, m)) return std::nullopt;
  Master& master = s.kernel.smmuv3.masters.at(m);
  if (master.s1fmt == kS1Fmt64kL2) {
    const uint32_t idx = ssid / kCtxdescL2Entries;
    if (idx < master.l2ptrs.size() && !master.l2ptrs[idx]) {
      const uint64_t l2 = pool_alloc_pages(s.hw.memory, s.kernel.smmuv3.pages, owner_of(m), kCdLeafOrder);
      if (!l2) return std::nullopt;
      master.l2ptrs[idx] = l2;
      // arm_smmu_write_cd_l1_desc: one 64-bit store the SMMU sees whole.
      s.hw.memory.write64(master.cdtab + idx * kL1DescBytes, (l2 & hs::reg::kCdL1DescL2PtrMask) | hs::reg::kCdL1DescV);
      // The SMMU may have cached the descriptor while it was invalid.
      sync_cd(s, m, ssid, false);
    }
  }
  return get_cd_ptr(s, m, ssid);
}

void free_cd_tables(System& s, MasterId m) {
  Frame f(s, KFn::arm_smmu_free_cd_tables);
  Master& master = s.kernel.smmuv3.masters.at(m);
  if (!master.cdtab) return;
  auto& pool = s.kernel.smmuv3.pages;
  if (master.s1fmt != kS1FmtLinear) {
    // Each leaf by the address its L1 descriptor holds (arm_smmu_cd_l1_get_desc), as the kernel frees it.
    for (uint32_t i = 0; i < master.num_ents; ++i)
      if (master.l2ptrs[i])
        pool_free_pages(s.hw.memory, pool, s.hw.memory.read64(master.cdtab + i * kL1DescBytes) & hs::reg::kCdL1DescL2PtrMask,
                        kCdLeafOrder);
  }
  pool_free_pages(s.hw.memory, pool, master.cdtab, dma_order(table_bytes(master)));
  master.cdtab = 0;
  master.l2ptrs.clear();
  master.num_ents = 0;
  master.s1fmt = kS1FmtLinear;
  master.s1cdmax = 0;
}

bool cd_in_allocation(const Master& m, uint32_t ssid) {
  if (m.s1fmt != kS1FmtLinear) return true;  // a leaf's index is ssid % 1024: always inside it
  return uint64_t{ssid} < (hw::memory::kPageSize << dma_order(table_bytes(m))) / kCdBytes;
}

}  // namespace atslab::smmuv3
