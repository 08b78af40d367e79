#include "hw/smmuv3/entry_decode.h"

#include <bit>

#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/ste_layout.h"

namespace atslab::hw::smmuv3 {

namespace {

using Names = std::vector<const char*>;

struct Decoder {
  const Entry& e;
  std::vector<DecodedField> out;

  void field(std::string name, unsigned q, uint64_t mask, const Names& names = {}, bool in_place = false) {
    DecodedField f;
    f.name = std::move(name);
    f.qword = q;
    f.lo = unsigned(std::countr_zero(mask));
    f.hi = 63 - unsigned(std::countl_zero(mask));
    f.value = in_place ? (e[q] & mask) : field_get(mask, e[q]);
    if (f.value < names.size() && names[f.value][0]) f.value_name = names[f.value];
    out.push_back(std::move(f));
  }
  // A sub-field of a packed field (VTCR): mask relative to the outer field.
  void sub(std::string name, unsigned q, uint64_t outer, uint64_t inner) {
    field(std::move(name), q, inner << std::countr_zero(outer));
  }
};

const Names kCfg = {"ABORT", "", "", "", "BYPASS", "S1_TRANS", "S2_TRANS", "NESTED"};
const Names kCache = {"NC", "WBRA", "WT", "WB"};
const Names kSh = {"NSH", "", "OSH", "ISH"};

}  // namespace

std::vector<DecodedField> decode_ste(const Entry& e) {
  Decoder d{e, {}};
  d.field("V", 0, ste::k0V);
  d.field("CFG", 0, ste::k0Cfg, kCfg);
  d.field("S1FMT", 0, ste::k0S1Fmt, {"LINEAR", "4K_L2", "64K_L2"});
  d.field("S1ContextPtr", 0, ste::k0S1CtxPtrMask, {}, true);
  d.field("S1CDMAX", 0, ste::k0S1CdMax);
  d.field("S1DSS", 1, ste::k1S1Dss, {"TERMINATE", "BYPASS", "SSID0"});
  d.field("S1CIR", 1, ste::k1S1Cir, kCache);
  d.field("S1COR", 1, ste::k1S1Cor, kCache);
  d.field("S1CSH", 1, ste::k1S1Csh, kSh);
  d.field("MEV", 1, ste::k1Mev);
  d.field("S2FWB", 1, ste::k1S2Fwb);
  d.field("S1STALLD", 1, ste::k1S1Stalld);
  d.field("EATS", 1, ste::k1Eats, {"ABT", "TRANS", "S1CHK", ""});
  d.field("STRW", 1, ste::k1Strw, {"NSEL1", "", "EL2", ""});
  d.field("SHCFG", 1, ste::k1ShCfg, {"NSH", "INCOMING", "OSH", "ISH"});
  d.field("S2VMID", 2, ste::k2S2Vmid);
  d.field("VTCR", 2, ste::k2Vtcr);
  d.sub("VTCR.S2T0SZ", 2, ste::k2Vtcr, ste::kVtcrS2T0sz);
  d.sub("VTCR.S2SL0", 2, ste::k2Vtcr, ste::kVtcrS2Sl0);
  d.sub("VTCR.S2IR0", 2, ste::k2Vtcr, ste::kVtcrS2Ir0);
  d.sub("VTCR.S2OR0", 2, ste::k2Vtcr, ste::kVtcrS2Or0);
  d.sub("VTCR.S2SH0", 2, ste::k2Vtcr, ste::kVtcrS2Sh0);
  d.sub("VTCR.S2TG", 2, ste::k2Vtcr, ste::kVtcrS2Tg);
  d.sub("VTCR.S2PS", 2, ste::k2Vtcr, ste::kVtcrS2Ps);
  d.field("S2AA64", 2, ste::k2S2Aa64);
  d.field("S2ENDI", 2, ste::k2S2Endi);
  d.field("S2PTW", 2, ste::k2S2Ptw);
  d.field("S2S", 2, ste::k2S2S);
  d.field("S2R", 2, ste::k2S2R);
  d.field("S2TTB", 3, ste::k3S2TtbMask, {}, true);
  return d.out;
}

std::vector<DecodedField> decode_cd(const Entry& e) {
  Decoder d{e, {}};
  d.field("T0SZ", 0, cd::k0TcrT0sz);
  d.field("TG0", 0, cd::k0TcrTg0, {"4K", "64K", "16K", ""});
  d.field("IRGN0", 0, cd::k0TcrIrgn0, {"NC", "WBWA", "WT", "WB"});
  d.field("ORGN0", 0, cd::k0TcrOrgn0, {"NC", "WBWA", "WT", "WB"});
  d.field("SH0", 0, cd::k0TcrSh0, kSh);
  d.field("EPD0", 0, cd::k0TcrEpd0);
  d.field("ENDI", 0, cd::k0Endi);
  d.field("EPD1", 0, cd::k0TcrEpd1);
  d.field("V", 0, cd::k0V);
  d.field("IPS", 0, cd::k0TcrIps);
  d.field("TBI0", 0, cd::k0TcrTbi0);
  d.field("AA64", 0, cd::k0Aa64);
  d.field("HD", 0, cd::k0TcrHd);
  d.field("HA", 0, cd::k0TcrHa);
  d.field("S", 0, cd::k0S);
  d.field("R", 0, cd::k0R);
  d.field("A", 0, cd::k0A);
  d.field("ASET", 0, cd::k0Aset);
  d.field("ASID", 0, cd::k0Asid);
  d.field("TTB0", 1, cd::k1Ttb0Mask, {}, true);
  d.field("MAIR", cd::kMairQword, ~uint64_t{0});
  return d.out;
}

std::vector<DecodedField> decode_entry(EntryKind kind, const Entry& e) {
  return kind == EntryKind::Ste ? decode_ste(e) : decode_cd(e);
}

}  // namespace atslab::hw::smmuv3
