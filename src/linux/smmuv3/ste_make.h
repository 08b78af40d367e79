#pragma once
// The driver's STE constructors (arm_smmu_make_*_ste): targets for the writer.
#include <array>
#include <cstdint>

namespace atslab::smmuv3 {

using Ste = std::array<uint64_t, 8>;

// Field positions (STRTAB_STE_*), as smmuv3-entries.md 1.1 lists them.
namespace ste {
inline constexpr uint64_t k0V = 1ull << 0;
inline constexpr unsigned k0CfgShift = 1;
inline constexpr uint64_t k0CfgMask = 7ull << 1;
inline constexpr uint64_t kCfgAbort = 0, kCfgBypass = 4, kCfgS1Trans = 5, kCfgS2Trans = 6, kCfgNested = 7;
inline constexpr uint64_t k1S1dssMask = 3ull, kS1dssTerminate = 0, kS1dssBypass = 1, kS1dssSsid0 = 2;
inline constexpr unsigned k1EatsShift = 28;
inline constexpr uint64_t k1EatsMask = 3ull << 28, kEatsAbt = 0, kEatsTrans = 1, kEatsS1chk = 2;
inline constexpr uint64_t k1ShcfgIncoming = 1ull << 44;
inline constexpr uint64_t k1S1cirWbra = 1ull << 2, k1S1corWbra = 1ull << 4, k1S1cshIsh = 3ull << 6;
inline constexpr uint64_t k2S2Aa64 = 1ull << 51, k2S2Ptw = 1ull << 54, k2S2R = 1ull << 58;

inline uint64_t cfg(const Ste& e) { return (e[0] & k0CfgMask) >> k0CfgShift; }
inline uint64_t eats(const Ste& e) { return (e[1] & k1EatsMask) >> k1EatsShift; }
inline bool valid(const Ste& e) { return e[0] & k0V; }
}  // namespace ste

Ste make_abort_ste();
Ste make_bypass_ste();
// A CD-table STE (stage 1 through the master's CD table) with the given S1DSS.
Ste make_cdtable_ste(uint64_t cdtab_dma, bool ats_enabled, uint64_t s1dss);
Ste make_s2_domain_ste(uint16_t vmid, uint64_t vttbr, bool ats_enabled);

}  // namespace atslab::smmuv3
