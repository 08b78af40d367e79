#pragma once
// Finding the STE for a stream and the CD for a substream, as the SMMU walks
// them in memory: linear or 2-level stream table, linear or 2-level CD table.
#include <cstdint>
#include <functional>
#include <optional>

#include "hw/memory/memory.h"
#include "hw/smmuv3/entry.h"
#include "hw/smmuv3/smmu.h"

namespace atslab::hw::smmuv3 {

inline constexpr unsigned kCdSplit4k = 6, kCdSplit64k = 10;  // CDs per 2-level leaf: 2^split
inline constexpr unsigned kMaxSsidBits = 20;                // the largest IDR1.SSIDSIZE

// The address of STE `sid`, or nullopt when the SID is out of range or its L1
// descriptor has no leaf (C_BAD_STREAMID).
std::optional<uint64_t> ste_address(const memory::Memory& mem, const Smmu& smmu, uint32_t sid);
// The address of CD `ssid` under a stage-1 STE, or nullopt when the SSID exceeds
// S1CDMAX or its L1 CD descriptor is invalid (C_BAD_SUBSTREAMID / C_BAD_CD).
std::optional<uint64_t> cd_address(const memory::Memory& mem, const Entry& ste, uint32_t ssid);

Entry read_entry(const memory::Memory& mem, uint64_t pa);

// Every SSID from 1 to 2^S1CDMAX - 1 whose CD the SMMU would find valid (CD.V) under a CD-table
// STE, ascending, with its CD's qword 0; a 2-level table is walked one valid L1 descriptor at a
// time (a leaf the SMMU cannot reach is skipped whole). `leaf(l1_index)` is told of each valid
// L1 descriptor first (nothing for a linear table).
void for_each_valid_cd(const memory::Memory& mem, const Entry& ste, const std::function<void(uint32_t, uint64_t)>& cd,
                       const std::function<void(uint32_t)>& leaf = {});

}  // namespace atslab::hw::smmuv3
