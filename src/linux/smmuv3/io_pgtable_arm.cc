#include "linux/smmuv3/io_pgtable_arm.h"

#include <cerrno>

namespace atslab::smmuv3 {

namespace pg = hw::smmuv3::pgtable;

namespace {

constexpr uint64_t kPage = 0x1000, kBlock2M = 0x200000;

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

// The descriptor address for `iova` at `leaf_level`, creating tables on the way; 0 if a leaf is in the way.
uint64_t walk_alloc(hw::memory::Memory& mem, IoPgtable& pt, uint64_t iova, unsigned leaf_level, bool alloc) {
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
    if (!alloc) return 0;
    const uint64_t t = pt.next_table;
    pt.next_table += kPage;
    mem.alloc_page(t, pt.owner);
    mem.write64(slot, t | pg::kValid | pg::kTable);
    table = t;
  }
}

}  // namespace

IoPgtable alloc_io_pgtable(hw::memory::Memory& mem, pg::Stage stage, uint64_t pool, hw::memory::Owner owner) {
  IoPgtable pt;
  pt.stage = stage;
  pt.root = pool;
  pt.next_table = pool + kPage;
  pt.owner = owner;
  mem.alloc_page(pool, owner);
  return pt;
}

int iopt_map(hw::memory::Memory& mem, IoPgtable& pt, uint64_t iova, uint64_t pa, uint64_t size, bool read,
             bool write) {
  if ((size != kPage && size != kBlock2M) || (iova | pa) & (size - 1) || (iova >> kIoPgtableIaBits)) return -EINVAL;
  const unsigned level = size == kPage ? 3 : 2;
  const uint64_t slot = walk_alloc(mem, pt, iova, level, true);
  if (!slot || (mem.read64(slot) & pg::kValid)) return -EEXIST;
  mem.write64(slot, leaf_desc(pt, pa, level, read, write));
  return 0;
}

uint64_t iopt_unmap(hw::memory::Memory& mem, IoPgtable& pt, uint64_t iova, uint64_t size) {
  if (size != kPage && size != kBlock2M) return 0;
  const uint64_t slot = walk_alloc(mem, pt, iova, size == kPage ? 3 : 2, false);
  if (!slot || !(mem.read64(slot) & pg::kValid)) return 0;
  mem.write64(slot, 0);
  return size;
}

}  // namespace atslab::smmuv3
