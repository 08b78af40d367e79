#include "linux/smmuv3/entry_make.h"

#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/ste_layout.h"

namespace atslab::smmuv3 {

namespace ste = hw::smmuv3::ste;
namespace cd = hw::smmuv3::cd;
using hw::smmuv3::field_prep;

Entry make_abort_ste() {
  Entry e{};
  e[0] = ste::k0V | field_prep(ste::k0Cfg, ste::kCfgAbort);
  return e;
}

Entry make_bypass_ste(const SmmuFeatures& smmu) {
  Entry e{};
  e[0] = ste::k0V | field_prep(ste::k0Cfg, ste::kCfgBypass);
  if (smmu.attr_types_ovr) e[1] = field_prep(ste::k1ShCfg, ste::kShCfgIncoming);
  return e;
}

Entry make_cdtable_ste(const SmmuFeatures& smmu, const MasterView& master, bool ats_enabled, uint64_t s1dss) {
  Entry e{};
  e[0] = ste::k0V | field_prep(ste::k0Cfg, ste::kCfgS1Trans) | field_prep(ste::k0S1Fmt, master.s1fmt) |
         (master.cdtab_dma & ste::k0S1CtxPtrMask) | field_prep(ste::k0S1CdMax, master.s1cdmax);
  e[1] = field_prep(ste::k1S1Dss, s1dss) | field_prep(ste::k1S1Cir, ste::kS1CacheWbra) |
         field_prep(ste::k1S1Cor, ste::kS1CacheWbra) | field_prep(ste::k1S1Csh, ste::kShIsh) |
         ((smmu.stalls && !master.stall_enabled) ? ste::k1S1Stalld : 0) |
         field_prep(ste::k1Eats, ats_enabled ? ste::kEatsTrans : ste::kEatsAbt);
  if (smmu.attr_types_ovr && s1dss == ste::kS1DssBypass) e[1] |= field_prep(ste::k1ShCfg, ste::kShCfgIncoming);
  if (smmu.e2h) {
    e[1] |= field_prep(ste::k1Strw, ste::kStrwEl2);
  } else {
    e[1] |= field_prep(ste::k1Strw, ste::kStrwNsel1);
    e[2] = field_prep(ste::k2S2Vmid, 0);
  }
  return e;
}

Entry make_s2_domain_ste(const SmmuFeatures& smmu, const MasterView& master, const S2Config& s2,
                         bool ats_enabled) {
  Entry e{};
  e[0] = ste::k0V | field_prep(ste::k0Cfg, ste::kCfgS2Trans);
  e[1] = field_prep(ste::k1Eats, ats_enabled ? ste::kEatsTrans : ste::kEatsAbt);
  if (s2.s2fwb) e[1] |= ste::k1S2Fwb;
  if (smmu.attr_types_ovr) e[1] |= field_prep(ste::k1ShCfg, ste::kShCfgIncoming);
  const uint64_t vtcr = field_prep(ste::kVtcrS2T0sz, s2.tsz) | field_prep(ste::kVtcrS2Sl0, s2.sl) |
                        field_prep(ste::kVtcrS2Ir0, s2.irgn) | field_prep(ste::kVtcrS2Or0, s2.orgn) |
                        field_prep(ste::kVtcrS2Sh0, s2.sh) | field_prep(ste::kVtcrS2Tg, s2.tg) |
                        field_prep(ste::kVtcrS2Ps, s2.ps);
  // Simplification: a little-endian kernel, so S2ENDI stays clear.
  e[2] = field_prep(ste::k2S2Vmid, s2.vmid) | field_prep(ste::k2Vtcr, vtcr) | ste::k2S2Aa64 | ste::k2S2Ptw |
         (master.stall_enabled ? ste::k2S2S : 0) | ste::k2S2R;
  e[3] = s2.vttbr & ste::k3S2TtbMask;
  return e;
}

Entry make_nested_domain_ste(const SmmuFeatures& smmu, const MasterView& master, const S2Config& s2,
                             const std::array<uint64_t, 2>& vste, bool ats_enabled) {
  // A vSTE without V is relayed as abort, so that the guest can be told of C_BAD_STE.
  const uint64_t cfg = (vste[0] & ste::k0V) ? hw::smmuv3::field_get(ste::k0Cfg, vste[0]) : ste::kCfgAbort;
  if (cfg == ste::kCfgBypass) return make_s2_domain_ste(smmu, master, s2, ats_enabled);
  if (cfg != ste::kCfgS1Trans) return make_abort_ste();
  // arm_smmu_make_nested_cd_table_ste: the S2 STE, CFG turned to nested, the guest's stage-1
  // fields (its CD table pointer, format, S1CDMAX, S1DSS and cacheability) merged in, and MEV
  // so that a guest's faults cannot flood the event queue.
  Entry e = make_s2_domain_ste(smmu, master, s2, ats_enabled);
  e[0] = ste::k0V | hw::smmuv3::field_prep(ste::k0Cfg, ste::kCfgNested) | (vste[0] & ~ste::k0Cfg);
  e[1] |= vste[1] | ste::k1Mev;
  return e;
}

Entry make_s1_cd(const MasterView& master, const S1Config& s1) {
  Entry e{};
  e[0] = field_prep(cd::k0TcrT0sz, s1.tsz) | field_prep(cd::k0TcrTg0, s1.tg) |
         field_prep(cd::k0TcrIrgn0, s1.irgn) | field_prep(cd::k0TcrOrgn0, s1.orgn) |
         field_prep(cd::k0TcrSh0, s1.sh) | cd::k0TcrEpd1 | cd::k0V | field_prep(cd::k0TcrIps, s1.ips) |
         cd::k0Aa64 | (master.stall_enabled ? cd::k0S : 0) | cd::k0R | cd::k0A | cd::k0Aset |
         field_prep(cd::k0Asid, s1.asid);
  if (s1.hd) e[0] |= cd::k0TcrHa | cd::k0TcrHd;
  e[1] = s1.ttbr & cd::k1Ttb0Mask;
  e[cd::kMairQword] = s1.mair;
  return e;
}

Entry make_sva_cd(const SmmuFeatures& smmu, const MasterView& master, const SvaConfig& sva) {
  Entry e{};
  e[0] = cd::k0TcrEpd1 | cd::k0V | field_prep(cd::k0TcrIps, sva.ips) | cd::k0Aa64 |
         (master.stall_enabled ? cd::k0S : 0) | cd::k0R | cd::k0A | cd::k0Aset | field_prep(cd::k0Asid, sva.asid);
  if (sva.has_mm) {
    e[0] |= field_prep(cd::k0TcrT0sz, 64u - sva.va_bits) | field_prep(cd::k0TcrTg0, sva.tg0) |
            field_prep(cd::k0TcrIrgn0, 1) | field_prep(cd::k0TcrOrgn0, 1) | field_prep(cd::k0TcrSh0, 3);
    e[1] = sva.pgd_pa & cd::k1Ttb0Mask;
  } else {
    // The released CD: no walks through TTB0, and faults are not stalled or recorded.
    e[0] |= cd::k0TcrEpd0;
    if (!smmu.stall_force) e[0] &= ~(cd::k0S | cd::k0R);
  }
  e[cd::kMairQword] = sva.mair;
  return e;
}

}  // namespace atslab::smmuv3
