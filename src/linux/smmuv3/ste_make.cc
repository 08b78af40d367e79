#include "linux/smmuv3/ste_make.h"

namespace atslab::smmuv3 {

using namespace ste;

Ste make_abort_ste() { return Ste{k0V | (kCfgAbort << k0CfgShift)}; }

Ste make_bypass_ste() {
  Ste e{};
  e[0] = k0V | (kCfgBypass << k0CfgShift);
  e[1] = k1ShcfgIncoming;  // the SMMU has ATTR_TYPES_OVR in the model
  return e;
}

Ste make_cdtable_ste(uint64_t cdtab_dma, bool ats_enabled, uint64_t s1dss) {
  Ste e{};
  e[0] = k0V | (kCfgS1Trans << k0CfgShift) | (cdtab_dma & 0x000fffffffffffc0ull);
  e[1] = (s1dss & k1S1dssMask) | k1S1cirWbra | k1S1corWbra | k1S1cshIsh |
         ((ats_enabled ? kEatsTrans : kEatsAbt) << k1EatsShift);
  if (s1dss == kS1dssBypass) e[1] |= k1ShcfgIncoming;
  return e;
}

Ste make_s2_domain_ste(uint16_t vmid, uint64_t vttbr, bool ats_enabled) {
  Ste e{};
  e[0] = k0V | (kCfgS2Trans << k0CfgShift);
  e[1] = ((ats_enabled ? kEatsTrans : kEatsAbt) << k1EatsShift) | k1ShcfgIncoming;
  e[2] = vmid | k2S2Aa64 | k2S2Ptw | k2S2R;
  e[3] = vttbr & 0x000ffffffffffff0ull;
  return e;
}

}  // namespace atslab::smmuv3
