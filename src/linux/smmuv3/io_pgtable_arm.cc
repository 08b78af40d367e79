#include "linux/smmuv3/io_pgtable_arm.h"

#include <cerrno>

namespace atslab::smmuv3 {

namespace pg = hw::smmuv3::pgtable;

namespace {

constexpr uint64_t kPage = 0x1000, kBlock2M = 0x200000;
constexpr unsigned kEntries = 512;

unsigned shift_of(unsigned level) { return 12 + 9 * (3 - level); }

uint64_t leaf_desc(const IoPgtable& pt, uint64_t pa, unsigned level, bool read, bool write) {
  uint64_t d = (pa & pg::kAddrMask) | pg::kValid | pg::kAf | (level == 3 ? pg::kTable : 0);
  if (pt.stage == pg::Stage::S1) {
    if (!write) d |= pg::kS1ApRdonly;
  } else {
    d |= (read ? pg::kS2ApRead : 0) | (write ? pg::kS2ApWrite : 0);
  }
  return d;
}

bool is_table(uint64_t desc, unsigned level) { return (desc & pg::kValid) && (desc & pg::kTable) && level < 3; }

// A new zeroed table page: from the pool when there is one, else the next bump page.
uint64_t alloc_table(hw::memory::Memory& mem, PagePool* pool, IoPgtable& pt) {
  uint64_t t = 0;
  if (pool) {
    t = pool_alloc(mem, *pool, pt.owner);
  } else {
    t = pt.next_table;
    pt.next_table += kPage;
    mem.alloc_page(t, pt.owner);
  }
  if (t) pt.tables++;
  return t;
}

// The descriptor address for `iova` at `leaf_level`, creating tables on the way; 0 if a
// leaf is in the way, or (`*oom` set) no page was left for a table.
uint64_t walk_alloc(hw::memory::Memory& mem, PagePool* pool, IoPgtable& pt, uint64_t iova, unsigned leaf_level,
                    bool* oom) {
  uint64_t table = pt.root;
  for (unsigned level = kIoPgtableStartLevel;; level++) {
    const uint64_t slot = table + 8 * ((iova >> shift_of(level)) & 0x1ff);
    if (level == leaf_level) return slot;
    const uint64_t d = mem.read64(slot);
    if (d & pg::kValid) {
      if (!(d & pg::kTable)) return 0;
      table = d & pg::kAddrMask;
      continue;
    }
    const uint64_t t = alloc_table(mem, pool, pt);
    if (!t) {
      *oom = true;
      return 0;
    }
    mem.write64(slot, t | pg::kValid | pg::kTable);
    table = t;
  }
}

int map_one(hw::memory::Memory& mem, PagePool* pool, IoPgtable& pt, uint64_t iova, uint64_t pa, uint64_t size,
            bool read, bool write) {
  if ((size != kPage && size != kBlock2M) || (iova | pa) & (size - 1) || (iova >> kIoPgtableIaBits)) return -EINVAL;
  if (!pt.root) return -ENOMEM;
  const unsigned level = size == kPage ? 3 : 2;
  bool oom = false;
  const uint64_t slot = walk_alloc(mem, pool, pt, iova, level, &oom);
  if (!slot) return oom ? -ENOMEM : -EEXIST;
  if (mem.read64(slot) & pg::kValid) return -EEXIST;
  mem.write64(slot, leaf_desc(pt, pa, level, read, write));
  return 0;
}

// Clears the leaf for iova (io-pgtable-arm keeps the tables it leaves empty until the domain is freed).
uint64_t unmap_one(hw::memory::Memory& mem, IoPgtable& pt, uint64_t iova, uint64_t size) {
  if ((size != kPage && size != kBlock2M) || !pt.root) return 0;
  const unsigned leaf_level = size == kPage ? 3 : 2;
  uint64_t table = pt.root;
  for (unsigned level = kIoPgtableStartLevel;; level++) {
    const uint64_t slot = table + 8 * ((iova >> shift_of(level)) & 0x1ff);
    const uint64_t d = mem.read64(slot);
    if (level == leaf_level) {
      if (!(d & pg::kValid) || is_table(d, level)) return 0;
      mem.write64(slot, 0);
      return size;
    }
    if (!is_table(d, level)) return 0;
    table = d & pg::kAddrMask;
  }
}

void free_tables(hw::memory::Memory& mem, PagePool& pool, uint64_t table, unsigned level) {
  // Freeing writes no memory (a freed page keeps its contents), so the page stays valid throughout.
  const auto& descriptors = mem.page(table);
  for (unsigned i = 0; i < kEntries && level < 3; ++i) {
    const uint64_t d = descriptors[i];
    if (is_table(d, level)) free_tables(mem, pool, d & pg::kAddrMask, level + 1);
  }
  pool_free(mem, pool, table);
}

}  // namespace

uint64_t pool_alloc(hw::memory::Memory& mem, PagePool& pool, hw::memory::Owner owner) {
  uint64_t pa = 0;
  if (!pool.free.empty()) {
    pa = pool.free.back();
    pool.free.pop_back();
  } else {
    const uint64_t next = pool.next ? pool.next : pool.base;
    if (next + kPage > pool.limit) return 0;
    pa = next;
    pool.next = next + kPage;
  }
  mem.alloc_page(pa, owner);
  mem.zero_page(pa);  // a zeroed page, as the kernel's table allocation returns
  return pa;
}

void pool_free(hw::memory::Memory& mem, PagePool& pool, uint64_t pa) {
  mem.free_page(pa);
  pool.free.push_back(pa);
}

uint64_t pool_alloc_pages(hw::memory::Memory& mem, PagePool& pool, hw::memory::Owner owner, unsigned order) {
  if (order == 0) return pool_alloc(mem, pool, owner);
  uint64_t pa = 0;
  for (size_t i = pool.free_blocks.size(); i-- > 0;)
    if (pool.free_blocks[i].order == order) {
      pa = pool.free_blocks[i].pa;
      pool.free_blocks.erase(pool.free_blocks.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  if (!pa) {
    const uint64_t size = kPage << order;
    uint64_t next = pool.next ? pool.next : pool.base;
    const uint64_t aligned = (next + size - 1) & ~(size - 1);
    if (aligned + size > pool.limit) return 0;
    for (; next < aligned; next += kPage) pool.free.push_back(next);
    pa = aligned;
    pool.next = aligned + size;
  }
  for (uint64_t off = 0; off < (kPage << order); off += kPage) {
    mem.alloc_page(pa + off, owner);
    mem.zero_page(pa + off);  // dma_alloc_coherent's memory comes zeroed
  }
  return pa;
}

void pool_free_pages(hw::memory::Memory& mem, PagePool& pool, uint64_t pa, unsigned order) {
  if (order == 0) return pool_free(mem, pool, pa);
  for (uint64_t off = 0; off < (kPage << order); off += kPage) mem.free_page(pa + off);
  pool.free_blocks.push_back({.pa = pa, .order = static_cast<uint8_t>(order)});
}

IoPgtable alloc_io_pgtable(hw::memory::Memory& mem, pg::Stage stage, uint64_t pool, hw::memory::Owner owner) {
  IoPgtable pt;
  pt.stage = stage;
  pt.root = pool;
  pt.next_table = pool + kPage;
  pt.owner = owner;
  pt.tables = 1;
  mem.alloc_page(pool, owner);
  return pt;
}

int iopt_map(hw::memory::Memory& mem, IoPgtable& pt, uint64_t iova, uint64_t pa, uint64_t size, bool read,
             bool write) {
  return map_one(mem, nullptr, pt, iova, pa, size, read, write);
}

uint64_t iopt_unmap(hw::memory::Memory& mem, IoPgtable& pt, uint64_t iova, uint64_t size) {
  return unmap_one(mem, pt, iova, size);
}

IoPgtable alloc_io_pgtable(hw::memory::Memory& mem, PagePool& pool, pg::Stage stage, hw::memory::Owner owner) {
  IoPgtable pt;
  pt.stage = stage;
  pt.owner = owner;
  pt.root = pool_alloc(mem, pool, owner);
  pt.tables = pt.root ? 1 : 0;
  return pt;
}

int iopt_map(hw::memory::Memory& mem, PagePool& pool, IoPgtable& pt, uint64_t iova, uint64_t pa, uint64_t size,
             bool read, bool write) {
  return map_one(mem, &pool, pt, iova, pa, size, read, write);
}

void free_io_pgtable(hw::memory::Memory& mem, PagePool& pool, IoPgtable& pt) {
  if (pt.root) free_tables(mem, pool, pt.root, kIoPgtableStartLevel);
  pt.root = 0;
  pt.tables = 0;
}

bool iopt_iova_to_phys(const hw::memory::Memory& mem, const IoPgtable& pt, uint64_t iova, uint64_t* pa) {
  if (!pt.root || (iova >> kIoPgtableIaBits)) return false;
  uint64_t table = pt.root;
  for (unsigned level = kIoPgtableStartLevel; level <= 3; level++) {
    const uint64_t d = mem.read64(table + 8 * ((iova >> shift_of(level)) & 0x1ff));
    if (!(d & pg::kValid)) return false;
    if (is_table(d, level)) {
      table = d & pg::kAddrMask;
      continue;
    }
    const uint64_t size = uint64_t{1} << shift_of(level);
    if (pa) *pa = (d & pg::kAddrMask & ~(size - 1)) | (iova & (size - 1));
    return true;
  }
  return false;
}

}  // namespace atslab::smmuv3
