#pragma once
// What the attach path needs of the STE: the makers (entry_make.h) and a
// few field readers for the driver's own bookkeeping (ste_ats_enabled).
#include <cstdint>

#include "linux/smmuv3/entry_make.h"

namespace atslab::smmuv3 {

using Ste = hw::smmuv3::Entry;

namespace ste {
inline constexpr uint64_t kCfgAbort = 0, kCfgBypass = 4, kCfgS1Trans = 5, kCfgS2Trans = 6, kCfgNested = 7;
inline constexpr uint64_t kS1dssTerminate = 0, kS1dssBypass = 1, kS1dssSsid0 = 2;
inline constexpr uint64_t kEatsAbt = 0, kEatsTrans = 1, kEatsS1chk = 2;
inline uint64_t cfg(const Ste& e) { return (e[0] >> 1) & 7; }
inline uint64_t eats(const Ste& e) { return (e[1] >> 28) & 3; }
inline bool valid(const Ste& e) { return e[0] & 1; }
}  // namespace ste

// The SMMU features the makers consult, as the model's SMMU has them (ATTR_TYPES_OVR, no stalls, no E2H).
inline SmmuFeatures driver_features() { return {.attr_types_ovr = true}; }

}  // namespace atslab::smmuv3
