#pragma once
// The driver's page tables (io-pgtable-arm, ARM_64_LPAE_S1 / _S2), reduced:
// 4 KiB granule, 48-bit input, 4 levels from level 0, 4 KiB pages and 2 MiB
// blocks. Table pages come either from a bump allocator starting at a pool
// address (never freed; what the hardware tests use) or from the driver's
// PagePool (returned when the domain is freed, then reused; what SMMUv3
// domains use).
#include <cstdint>
#include <vector>

#include "hw/memory/memory.h"
#include "hw/smmuv3/pgtable.h"

namespace atslab::smmuv3 {

// The pages the driver hands to the SMMU to walk (io-pgtable tables, CD
// tables): a region of modelled memory set aside for them. A page comes back
// zeroed (get_zeroed_page); freed pages are reused, the last freed first.
// Simplification: one contiguous region, no NUMA, no higher-order pages.
struct PagePool {
  uint64_t base = 0, limit = 0;  // [base, limit)
  uint64_t next = 0;             // first page never handed out (0: base)
  std::vector<uint64_t> free;
  bool operator==(const PagePool&) const = default;
};
// A zeroed page owned by `owner`, or 0 when the pool is exhausted.
uint64_t pool_alloc(hw::memory::Memory& mem, PagePool& pool, hw::memory::Owner owner);
void pool_free(hw::memory::Memory& mem, PagePool& pool, uint64_t pa);

struct IoPgtable {
  hw::smmuv3::pgtable::Stage stage = hw::smmuv3::pgtable::Stage::S1;
  uint64_t root = 0;        // TTBR0 / VTTBR; 0: none allocated
  uint64_t next_table = 0;  // bump allocation: next free table page (unused with a PagePool)
  hw::memory::Owner owner = hw::memory::kFree;
  uint32_t tables = 0;      // table pages in use, the root included
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

// The same over the driver's PagePool: alloc leaves root 0 when the pool is
// exhausted, map returns -ENOMEM then. As in io-pgtable-arm, unmap (above)
// leaves emptied tables in place; they go back with the domain.
IoPgtable alloc_io_pgtable(hw::memory::Memory& mem, PagePool& pool, hw::smmuv3::pgtable::Stage stage,
                           hw::memory::Owner owner);
int iopt_map(hw::memory::Memory& mem, PagePool& pool, IoPgtable& pt, uint64_t iova, uint64_t pa, uint64_t size,
             bool read, bool write);
// free_io_pgtable_ops: every table page back to the pool.
void free_io_pgtable(hw::memory::Memory& mem, PagePool& pool, IoPgtable& pt);
// iova_to_phys: the output address of `iova`, if a leaf maps it.
bool iopt_iova_to_phys(const hw::memory::Memory& mem, const IoPgtable& pt, uint64_t iova, uint64_t* pa = nullptr);

}  // namespace atslab::smmuv3
