#pragma once
// The driver's page tables (io-pgtable-arm, ARM_64_LPAE_S1 / _S2), reduced:
// 4 KiB granule, 48-bit input, 4 levels from level 0, 4 KiB pages and 2 MiB
// blocks; table pages come from a bump allocator and are never freed.
#include <cstdint>

#include "hw/memory/memory.h"
#include "hw/smmuv3/pgtable.h"

namespace atslab::smmuv3 {

struct IoPgtable {
  hw::smmuv3::pgtable::Stage stage = hw::smmuv3::pgtable::Stage::S1;
  uint64_t root = 0;        // TTBR0 / VTTBR
  uint64_t next_table = 0;  // next free table page
  hw::memory::Owner owner = hw::memory::kFree;
  bool operator==(const IoPgtable&) const = default;
};

inline constexpr unsigned kIoPgtableIaBits = 48;
inline constexpr unsigned kIoPgtableStartLevel = 0;

// Takes the page at `pool` as the root table; later tables follow it.
IoPgtable alloc_io_pgtable(hw::memory::Memory& mem, hw::smmuv3::pgtable::Stage stage, uint64_t pool,
                           hw::memory::Owner owner);
// Returns 0, -EINVAL (size or alignment), or -EEXIST (already mapped).
int iopt_map(hw::memory::Memory& mem, IoPgtable& pt, uint64_t iova, uint64_t pa, uint64_t size, bool read,
             bool write);
// Clears the leaf covering iova (size must match it). Returns the bytes unmapped.
uint64_t iopt_unmap(hw::memory::Memory& mem, IoPgtable& pt, uint64_t iova, uint64_t size);

}  // namespace atslab::smmuv3
