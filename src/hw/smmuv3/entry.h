#pragma once
// An STE or CD exactly as the SMMU reads it: 8 little-endian 64-bit words.
#include <array>
#include <cstdint>

namespace atslab::hw::smmuv3 {

inline constexpr unsigned kEntryQwords = 8;  // STRTAB_STE_DWORDS == CTXDESC_CD_DWORDS
inline constexpr unsigned kEntryBytes = kEntryQwords * 8;
using Entry = std::array<uint64_t, kEntryQwords>;

enum class EntryKind : uint8_t { Ste, Cd };

}  // namespace atslab::hw::smmuv3
