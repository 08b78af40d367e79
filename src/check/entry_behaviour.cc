#include "check/entry_behaviour.h"

#include <algorithm>
#include <map>

#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/ste_layout.h"

namespace atslab::check {

namespace ste = hw::smmuv3::ste;
namespace cd = hw::smmuv3::cd;
using hw::smmuv3::field_get;

namespace {

struct Fields {
  std::vector<ConsultedField> v;
  void add(std::string name, uint64_t mask, uint64_t qword, bool ats_only = false) {
    v.push_back({std::move(name), field_get(mask, qword), ats_only});
  }
};

Behaviour invalid(std::string why) {
  Behaviour b;
  b.invalid = true;
  b.summary = "invalid (" + why + ")";
  return b;
}

}  // namespace

Behaviour ste_behaviour(const Entry& e) {
  if (!(e[0] & ste::k0V)) return invalid("V=0");
  const uint64_t cfg = field_get(ste::k0Cfg, e[0]);
  Behaviour b;
  Fields f;
  f.add("CFG", ste::k0Cfg, e[0]);
  if (cfg == ste::kCfgAbort) {
    b.summary = "abort";
  } else if (cfg == ste::kCfgBypass) {
    // Bypass ignores EATS: ATS is refused as if EATS were ABT.
    b.summary = "bypass";
    f.add("SHCFG", ste::k1ShCfg, e[1]);
  } else if (cfg >= ste::kCfgS1Trans) {
    const bool s1 = cfg == ste::kCfgS1Trans || cfg == ste::kCfgNested;
    const bool s2 = cfg == ste::kCfgS2Trans || cfg == ste::kCfgNested;
    b.summary = s1 && s2 ? "nested translate" : s1 ? "S1 translate" : "S2 translate";
    const uint64_t eats = field_get(ste::k1Eats, e[1]);
    if (eats == 3) return invalid("EATS=0b11");
    if (s2 && eats != ste::kEatsAbt && (e[2] & ste::k2S2S)) return invalid("S2S with EATS");
    if (s1) {
      f.add("S1FMT", ste::k0S1Fmt, e[0]);
      f.add("S1ContextPtr", ste::k0S1CtxPtrMask, e[0]);
      f.add("S1CDMAX", ste::k0S1CdMax, e[0]);
      f.add("S1DSS", ste::k1S1Dss, e[1]);
      f.add("S1CIR", ste::k1S1Cir, e[1]);
      f.add("S1COR", ste::k1S1Cor, e[1]);
      f.add("S1CSH", ste::k1S1Csh, e[1]);
      f.add("S1STALLD", ste::k1S1Stalld, e[1]);
      f.add("STRW", ste::k1Strw, e[1]);
    }
    // Stage-1 TLB entries are tagged with the VMID too (STRW=NSEL1).
    f.add("S2VMID", ste::k2S2Vmid, e[2]);
    if (s2) {
      f.add("S2FWB", ste::k1S2Fwb, e[1]);
      f.add("VTCR", ste::k2Vtcr, e[2]);
      f.add("S2AA64", ste::k2S2Aa64, e[2]);
      f.add("S2ENDI", ste::k2S2Endi, e[2]);
      f.add("S2PTW", ste::k2S2Ptw, e[2]);
      f.add("S2S", ste::k2S2S, e[2]);
      f.add("S2R", ste::k2S2R, e[2]);
      f.add("S2TTB", ste::k3S2TtbMask, e[3]);
    }
    // SHCFG applies to stage-2 output and to streams that bypass stage 1.
    if (s2 || field_get(ste::k1S1Dss, e[1]) == ste::kS1DssBypass) f.add("SHCFG", ste::k1ShCfg, e[1]);
    f.add("EATS", ste::k1Eats, e[1], /*ats_only=*/true);
  } else {
    return invalid("reserved CFG");
  }
  b.fields = std::move(f.v);
  return b;
}

Behaviour cd_behaviour(const Entry& e) {
  if (!(e[0] & cd::k0V)) return invalid("V=0");
  Behaviour b;
  Fields f;
  const bool epd0 = (e[0] & cd::k0TcrEpd0) != 0;
  b.summary = epd0 ? "valid, TTB0 walks disabled (EPD0)" : "valid";
  uint64_t q0_named = cd::k0TcrEpd0;
  f.add("EPD0", cd::k0TcrEpd0, e[0]);
  if (!epd0) {
    f.add("T0SZ", cd::k0TcrT0sz, e[0]);
    f.add("TG0", cd::k0TcrTg0, e[0]);
    f.add("IRGN0", cd::k0TcrIrgn0, e[0]);
    f.add("ORGN0", cd::k0TcrOrgn0, e[0]);
    f.add("SH0", cd::k0TcrSh0, e[0]);
    f.add("TTB0", cd::k1Ttb0Mask, e[1]);
  }
  q0_named |= cd::k0TcrT0sz | cd::k0TcrTg0 | cd::k0TcrIrgn0 | cd::k0TcrOrgn0 | cd::k0TcrSh0;
  const std::pair<const char*, uint64_t> rest[] = {
      {"ENDI", cd::k0Endi}, {"EPD1", cd::k0TcrEpd1}, {"IPS", cd::k0TcrIps}, {"TBI0", cd::k0TcrTbi0},
      {"AA64", cd::k0Aa64}, {"HD", cd::k0TcrHd},     {"HA", cd::k0TcrHa},   {"S", cd::k0S},
      {"R", cd::k0R},       {"A", cd::k0A},          {"ASET", cd::k0Aset},  {"ASID", cd::k0Asid},
  };
  for (const auto& [name, mask] : rest) {
    f.add(name, mask, e[0]);
    q0_named |= mask;
  }
  // Every other bit of a valid CD is read by the SMMU too (the kernel marks them all used).
  f.add("q0 other", ~(q0_named | cd::k0V), e[0]);
  f.add("q1 other", ~cd::k1Ttb0Mask, e[1]);
  f.add("q2", ~uint64_t{0}, e[2]);
  f.add("MAIR", ~uint64_t{0}, e[cd::kMairQword]);
  for (unsigned i = 4; i < hw::smmuv3::kEntryQwords; i++) f.add("q" + std::to_string(i), ~uint64_t{0}, e[i]);
  b.fields = std::move(f.v);
  return b;
}

Behaviour entry_behaviour(EntryKind kind, const Entry& e) {
  return kind == EntryKind::Ste ? ste_behaviour(e) : cd_behaviour(e);
}

namespace {
std::vector<ConsultedField> without_ats(const Behaviour& b) {
  std::vector<ConsultedField> v;
  for (const auto& f : b.fields)
    if (!f.ats_only) v.push_back(f);
  return v;
}
}  // namespace

bool same_except_ats(const Behaviour& a, const Behaviour& b) {
  return a.invalid == b.invalid && a.summary == b.summary && without_ats(a) == without_ats(b);
}

std::vector<std::string> differing_fields(const Behaviour& a, const Behaviour& b) {
  std::map<std::string, uint64_t> fa, fb;
  for (const auto& f : a.fields) fa[f.name] = f.value;
  for (const auto& f : b.fields) fb[f.name] = f.value;
  std::vector<std::string> out;
  if (a.summary != b.summary) out.push_back("configuration");
  for (const auto& [n, v] : fa)
    if (!fb.count(n) || fb[n] != v) out.push_back(n);
  for (const auto& [n, v] : fb)
    if (!fa.count(n)) out.push_back(n);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace atslab::check
