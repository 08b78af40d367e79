#pragma once
// Stream Table Entry fields, named as arm-smmu-v3.h names them
// (STRTAB_STE_0_V -> ste::k0V, STRTAB_STE_1_EATS -> ste::k1Eats, ...).
#include <cstdint>

#include "hw/smmuv3/bits.h"

namespace atslab::hw::smmuv3::ste {

// Qword 0
inline constexpr uint64_t k0V = bit(0);
inline constexpr uint64_t k0Cfg = genmask(3, 1);
inline constexpr uint64_t kCfgAbort = 0, kCfgBypass = 4, kCfgS1Trans = 5, kCfgS2Trans = 6, kCfgNested = 7;
inline constexpr uint64_t k0S1Fmt = genmask(5, 4);
inline constexpr uint64_t kS1FmtLinear = 0, kS1Fmt4kL2 = 1, kS1Fmt64kL2 = 2;
inline constexpr uint64_t k0S1CtxPtrMask = genmask(51, 6);
inline constexpr uint64_t k0S1CdMax = genmask(63, 59);

// Qword 1
inline constexpr uint64_t k1S1Dss = genmask(1, 0);
inline constexpr uint64_t kS1DssTerminate = 0, kS1DssBypass = 1, kS1DssSsid0 = 2;
inline constexpr uint64_t k1S1Cir = genmask(3, 2);
inline constexpr uint64_t k1S1Cor = genmask(5, 4);
inline constexpr uint64_t k1S1Csh = genmask(7, 6);
inline constexpr uint64_t kS1CacheNc = 0, kS1CacheWbra = 1, kS1CacheWt = 2, kS1CacheWb = 3;
inline constexpr uint64_t kShNsh = 0, kShOsh = 2, kShIsh = 3;
inline constexpr uint64_t k1Mev = bit(19);
inline constexpr uint64_t k1S2Fwb = bit(25);
inline constexpr uint64_t k1S1Stalld = bit(27);
inline constexpr uint64_t k1Eats = genmask(29, 28);
inline constexpr uint64_t kEatsAbt = 0, kEatsTrans = 1, kEatsS1Chk = 2;
inline constexpr uint64_t k1Strw = genmask(31, 30);
inline constexpr uint64_t kStrwNsel1 = 0, kStrwEl2 = 2;
inline constexpr uint64_t k1ShCfg = genmask(45, 44);
inline constexpr uint64_t kShCfgIncoming = 1;

// Qword 2
inline constexpr uint64_t k2S2Vmid = genmask(15, 0);
inline constexpr uint64_t k2Vtcr = genmask(50, 32);
// VTCR sub-fields, relative to the VTCR field (not to the qword).
inline constexpr uint64_t kVtcrS2T0sz = genmask(5, 0);
inline constexpr uint64_t kVtcrS2Sl0 = genmask(7, 6);
inline constexpr uint64_t kVtcrS2Ir0 = genmask(9, 8);
inline constexpr uint64_t kVtcrS2Or0 = genmask(11, 10);
inline constexpr uint64_t kVtcrS2Sh0 = genmask(13, 12);
inline constexpr uint64_t kVtcrS2Tg = genmask(15, 14);
inline constexpr uint64_t kVtcrS2Ps = genmask(18, 16);
inline constexpr uint64_t k2S2Aa64 = bit(51);
inline constexpr uint64_t k2S2Endi = bit(52);
inline constexpr uint64_t k2S2Ptw = bit(54);
inline constexpr uint64_t k2S2S = bit(57);
inline constexpr uint64_t k2S2R = bit(58);

// Qword 3
inline constexpr uint64_t k3S2TtbMask = genmask(51, 4);

// CFG bit 0: stage 1 translates; CFG bit 1: stage 2 translates (when CFG bit 2 is set).
constexpr bool cfg_s1(uint64_t cfg) { return (cfg & 1) != 0; }
constexpr bool cfg_s2(uint64_t cfg) { return (cfg & 2) != 0; }

}  // namespace atslab::hw::smmuv3::ste
