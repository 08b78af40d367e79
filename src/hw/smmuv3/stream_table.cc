#include "hw/smmuv3/stream_table.h"

#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/regs.h"
#include "hw/smmuv3/ste_layout.h"

namespace atslab::hw::smmuv3 {

std::optional<uint64_t> ste_address(const memory::Memory& mem, const Smmu& smmu, uint32_t sid) {
  const uint64_t base = smmu.strtab_base & reg::kStrtabBaseAddrMask;
  const unsigned log2size = unsigned(field_get(reg::kStrtabBaseCfgLog2Size, smmu.strtab_base_cfg));
  if (log2size < 32 && (uint64_t{sid} >> log2size) != 0) return std::nullopt;
  if (field_get(reg::kStrtabBaseCfgFmt, smmu.strtab_base_cfg) == reg::kStrtabBaseCfgFmtLinear)
    return base + uint64_t{sid} * kEntryBytes;
  const unsigned split = unsigned(field_get(reg::kStrtabBaseCfgSplit, smmu.strtab_base_cfg));
  const uint64_t l1 = mem.read64(base + 8 * (uint64_t{sid} >> split));
  const unsigned span = unsigned(field_get(reg::kStrtabL1DescSpan, l1));
  const uint64_t l2_index = sid & ((uint64_t{1} << split) - 1);
  // SPAN=0 means no leaf; otherwise the leaf holds 2^(SPAN-1) STEs.
  if (span == 0 || l2_index >= (uint64_t{1} << (span - 1))) return std::nullopt;
  return (l1 & reg::kStrtabL1DescL2PtrMask) + l2_index * kEntryBytes;
}

std::optional<uint64_t> cd_address(const memory::Memory& mem, const Entry& ste_ent, uint32_t ssid) {
  const unsigned cdmax = unsigned(field_get(ste::k0S1CdMax, ste_ent[0]));
  if ((uint64_t{ssid} >> cdmax) != 0) return std::nullopt;
  const uint64_t base = ste_ent[0] & ste::k0S1CtxPtrMask;
  const uint64_t fmt = field_get(ste::k0S1Fmt, ste_ent[0]);
  if (cdmax == 0 || fmt == ste::kS1FmtLinear) return base + uint64_t{ssid} * kEntryBytes;
  const unsigned split = fmt == ste::kS1Fmt4kL2 ? kCdSplit4k : kCdSplit64k;
  const uint64_t l1 = mem.read64(base + 8 * (uint64_t{ssid} >> split));
  if (!(l1 & reg::kCdL1DescV)) return std::nullopt;
  return (l1 & reg::kCdL1DescL2PtrMask) + (ssid & ((uint64_t{1} << split) - 1)) * kEntryBytes;
}

Entry read_entry(const memory::Memory& mem, uint64_t pa) {
  Entry e{};
  mem.read_qwords(pa, e.data(), kEntryQwords);
  return e;
}

void for_each_valid_cd(const memory::Memory& mem, const Entry& ste_ent, const std::function<void(uint32_t, uint64_t)>& cd,
                       const std::function<void(uint32_t)>& leaf) {
  const unsigned cdmax = unsigned(field_get(ste::k0S1CdMax, ste_ent[0]));
  // SubstreamIDs have 20 bits at most (IDR1.SSIDSIZE); an STE saying more is C_BAD_STE, no table.
  if (cdmax > kMaxSsidBits) return;
  const uint64_t ssids = uint64_t{1} << cdmax;
  const uint64_t base = ste_ent[0] & ste::k0S1CtxPtrMask;
  const uint64_t fmt = field_get(ste::k0S1Fmt, ste_ent[0]);
  const bool two_level = cdmax != 0 && fmt != ste::kS1FmtLinear;
  const uint64_t span = two_level ? uint64_t{1} << (fmt == ste::kS1Fmt4kL2 ? kCdSplit4k : kCdSplit64k) : ssids;
  for (uint64_t first = 0; first < ssids; first += span) {
    uint64_t table = base;
    if (two_level) {
      const uint64_t l1 = mem.read64(base + 8 * (first / span));
      if (!(l1 & reg::kCdL1DescV)) continue;
      if (leaf) leaf(uint32_t(first / span));
      table = l1 & reg::kCdL1DescL2PtrMask;
    }
    for (uint64_t i = first ? 0 : 1; i < span && first + i < ssids; ++i) {
      const uint64_t q0 = mem.read64(table + i * kEntryBytes);
      if (q0 & cd::k0V) cd(uint32_t(first + i), q0);
    }
  }
}

}  // namespace atslab::hw::smmuv3
