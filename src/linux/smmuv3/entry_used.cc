#include "linux/smmuv3/entry_used.h"

#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/ste_layout.h"

namespace atslab::smmuv3 {

namespace ste = hw::smmuv3::ste;
namespace cd = hw::smmuv3::cd;
using hw::smmuv3::field_get;

Entry get_ste_used(const Entry& ent) {
  Entry used{};
  used[0] = ste::k0V;
  if (!(ent[0] & ste::k0V)) return used;
  used[0] |= ste::k0Cfg;
  const uint64_t cfg = field_get(ste::k0Cfg, ent[0]);

  if (ste::cfg_s1(cfg)) {
    used[0] |= ste::k0S1Fmt | ste::k0S1CtxPtrMask | ste::k0S1CdMax;
    used[1] |= ste::k1S1Dss | ste::k1S1Cir | ste::k1S1Cor | ste::k1S1Csh | ste::k1S1Stalld |
               ste::k1Strw | ste::k1Eats | ste::k1Mev;
    used[2] |= ste::k2S2Vmid;
    // With S1DSS=BYPASS the SMMU applies SHCFG to streams that skip stage 1.
    if (field_get(ste::k1S1Dss, ent[1]) == ste::kS1DssBypass) used[1] |= ste::k1ShCfg;
  }
  if (ste::cfg_s2(cfg)) {
    used[1] |= ste::k1S2Fwb | ste::k1Eats | ste::k1ShCfg | ste::k1Mev;
    used[2] |= ste::k2S2Vmid | ste::k2Vtcr | ste::k2S2Aa64 | ste::k2S2Endi | ste::k2S2Ptw | ste::k2S2S |
               ste::k2S2R;
    used[3] |= ste::k3S2TtbMask;
  }
  if (cfg == ste::kCfgBypass) used[1] |= ste::k1ShCfg;
  return used;
}

Entry get_ste_update_safe(const Entry& cur, const Entry& target) {
  Entry safe{};
  const uint64_t eats_s1chk = hw::smmuv3::field_prep(ste::k1Eats, ste::kEatsS1Chk);
  const uint64_t eats_trans = hw::smmuv3::field_prep(ste::k1Eats, ste::kEatsTrans);
  // ATS is disabled at the device whenever EATS changes, so EATS=TRANS may flip
  // in any order; not next to S1CHK (0b11 is illegal) or S2S (S2S with EATS is illegal).
  if (!((cur[1] | target[1]) & eats_s1chk) && !((cur[2] | target[2]) & ste::k2S2S)) safe[1] |= eats_trans;
  // MEV only changes how fault records coalesce.
  safe[1] |= ste::k1Mev;
  return safe;
}

Entry get_cd_used(const Entry& ent) {
  Entry used{};
  used[0] = cd::k0V;
  if (!(ent[0] & cd::k0V)) return used;
  used.fill(~uint64_t{0});
  // With EPD0 the SMMU never walks TTB0, so its TCR fields and base are ignored.
  if (ent[0] & cd::k0TcrEpd0) {
    used[0] &= ~(cd::k0TcrSh0 | cd::k0TcrIrgn0 | cd::k0TcrOrgn0 | cd::k0TcrT0sz | cd::k0TcrTg0);
    used[1] &= ~cd::k1Ttb0Mask;
  }
  return used;
}

}  // namespace atslab::smmuv3
