#include "linux/smmuv3/hw_probe.h"

namespace atslab::smmuv3 {

namespace reg = hw::smmuv3::reg;
using hw::smmuv3::field_get;

SmmuHwInfo device_hw_probe(const hw::smmuv3::Smmu& s) {
  SmmuHwInfo h;
  h.feat_ats = s.idr0 & reg::kIdr0Ats;
  h.feat_pri = s.idr0 & reg::kIdr0Pri;
  h.feat_trans_s1 = s.idr0 & reg::kIdr0S1p;
  h.feat_trans_s2 = s.idr0 & reg::kIdr0S2p;
  h.feat_2lvl_strtab = field_get(reg::kIdr0StLvl, s.idr0) == 1;
  h.feat_2lvl_cdtab = s.idr0 & reg::kIdr0Cd2l;
  h.feat_range_inv = s.idr3 & reg::kIdr3Ril;
  h.feat_coherency = s.idr0 & reg::kIdr0Cohacc;
  h.asid_bits = (s.idr0 & reg::kIdr0Asid16) ? 16 : 8;
  // IDR5.OAS: 0..6 are 32, 36, 40, 42, 44, 48 and 52 bits.
  static constexpr unsigned kOasBits[] = {32, 36, 40, 42, 44, 48, 52};
  const unsigned oas = unsigned(field_get(reg::kIdr5Oas, s.idr5));
  h.oas = oas < 7 ? kOasBits[oas] : 48;
  h.ssid_bits = unsigned(field_get(reg::kIdr1SsidSize, s.idr1));
  h.sid_bits = unsigned(field_get(reg::kIdr1SidSize, s.idr1));
  // No 2-level table when one leaf (STRTAB_SPLIT bits) already covers every SID.
  if (h.sid_bits <= kStrtabSplit) h.feat_2lvl_strtab = false;
  if (s.idr5 & reg::kIdr5Gran4k) h.pgsize_bitmap |= (1ull << 12) | (1ull << 21) | (1ull << 30);
  if (s.idr5 & reg::kIdr5Gran16k) h.pgsize_bitmap |= (1ull << 14) | (1ull << 25);
  if (s.idr5 & reg::kIdr5Gran64k) h.pgsize_bitmap |= (1ull << 16) | (1ull << 29);
  return h;
}

}  // namespace atslab::smmuv3
