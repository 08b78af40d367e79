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
// Simplification: one contiguous region, no NUMA. A higher-order block (a CD table of more
// than one page, as dma_alloc_coherent hands out: 2^order pages aligned to their size) is cut
// from the never-used end and goes back to a list of its own order, so single pages and blocks
// never split or merge (no buddy allocator).
struct PagePool {
  struct Block {
    uint64_t pa = 0;
    uint8_t order = 0;
    bool operator==(const Block&) const = default;
  };
  uint64_t base = 0, limit = 0;  // [base, limit)
  uint64_t next = 0;             // first page never handed out (0: base)
  std::vector<uint64_t> free;
  std::vector<Block> free_blocks;  // freed blocks of order 1 and above, the last freed first
  bool operator==(const PagePool&) const = default;
};
// A zeroed page owned by `owner`, or 0 when the pool is exhausted.
uint64_t pool_alloc(hw::memory::Memory& mem, PagePool& pool, hw::memory::Owner owner);
void pool_free(hw::memory::Memory& mem, PagePool& pool, uint64_t pa);
// 2^order zeroed pages, contiguous and aligned to their size, owned by `owner`; 0 when the pool
// is exhausted. Order 0 is pool_alloc. The pages skipped to align the block join `free`.
uint64_t pool_alloc_pages(hw::memory::Memory& mem, PagePool& pool, hw::memory::Owner owner, unsigned order);
void pool_free_pages(hw::memory::Memory& mem, PagePool& pool, uint64_t pa, unsigned order);

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
