#pragma once
// Entries built as the kernel's own STE/CD writer tests build them
// (smmuv3-entries.md 1.3): an SMMU with FEAT_STALLS and FEAT_ATTR_TYPES_OVR,
// a master that is not stall-enabled, a 64K-leaf CD table with S1CDMAX=0xFF.
#include "hw/smmuv3/ste_layout.h"
#include "linux/smmuv3/entry_make.h"

namespace atslab::test {

using hw::smmuv3::Entry;
namespace ste = hw::smmuv3::ste;

inline constexpr uint64_t kFakeCdtabDma = 0xF0F0F0F0F0F0;
inline constexpr uint64_t kFakeTtbr = 0xdaedbeefdeadbeef;
inline constexpr uint64_t kFakeMair = 0xcafebabecafebabe;

inline smmuv3::SmmuFeatures test_smmu() {
  smmuv3::SmmuFeatures f;
  f.stalls = true;
  f.attr_types_ovr = true;
  return f;
}

inline smmuv3::MasterView test_master(bool stall_enabled = false, uint64_t cdtab = kFakeCdtabDma) {
  smmuv3::MasterView m;
  m.stall_enabled = stall_enabled;
  m.cdtab_dma = cdtab;
  m.s1fmt = uint8_t(ste::kS1Fmt64kL2);
  m.s1cdmax = 0xFF;
  return m;
}

inline smmuv3::S2Config test_s2(uint16_t vmid = 0, uint64_t vttbr = kFakeTtbr) {
  smmuv3::S2Config s;
  s.vmid = vmid;
  s.tsz = 4, s.sl = 3, s.irgn = 2, s.orgn = 1, s.sh = 3, s.tg = 2, s.ps = 1;
  s.vttbr = vttbr;
  return s;
}

inline Entry cdtable_ste(uint64_t s1dss, bool ats = false, bool stall_master = false,
                         uint64_t cdtab = kFakeCdtabDma) {
  return smmuv3::make_cdtable_ste(test_smmu(), test_master(stall_master, cdtab), ats, s1dss);
}
inline Entry s2_ste(bool ats = false, uint16_t vmid = 0, uint64_t vttbr = kFakeTtbr, bool stall_master = false) {
  return smmuv3::make_s2_domain_ste(test_smmu(), test_master(stall_master), test_s2(vmid, vttbr), ats);
}
inline Entry abort_ste() { return smmuv3::make_abort_ste(); }
inline Entry bypass_ste() { return smmuv3::make_bypass_ste(test_smmu()); }

// The tests' hand-built nested STE: CD-table STE | CFG=NESTED | MEV, q2.. from an S2 STE.
inline Entry nested_ste(uint64_t s1dss, bool ats = false) {
  Entry e = cdtable_ste(s1dss, ats);
  const Entry s2 = s2_ste(ats);
  e[0] |= hw::smmuv3::field_prep(ste::k0Cfg, ste::kCfgNested);
  e[1] |= ste::k1Mev;
  for (unsigned i = 2; i < 8; i++) e[i] = s2[i];
  return e;
}

inline Entry s1_cd(uint16_t asid, uint64_t ttbr = kFakeTtbr) {
  smmuv3::S1Config c;
  c.asid = asid;
  c.tsz = 4, c.tg = 2, c.irgn = 2, c.orgn = 1, c.sh = 3, c.ips = 1;
  c.ttbr = ttbr;
  c.mair = kFakeMair;
  return smmuv3::make_s1_cd(test_master(), c);
}

inline Entry sva_cd(uint16_t asid, bool has_mm) {
  smmuv3::SvaConfig c;
  c.has_mm = has_mm;
  c.asid = asid;
  c.ips = 5;
  c.va_bits = 48;
  c.tg0 = 0;
  c.pgd_pa = 0x4321000;
  c.mair = kFakeMair;
  return smmuv3::make_sva_cd(test_smmu(), test_master(), c);
}

}  // namespace atslab::test
