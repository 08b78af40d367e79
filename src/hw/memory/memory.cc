#include "hw/memory/memory.h"

#include <stdexcept>

namespace atslab::hw::memory {

namespace {
unsigned index_in_page(uint64_t pa) {
  if (pa & 7) throw std::logic_error("unaligned 64-bit memory access");
  return unsigned((pa & (kPageSize - 1)) >> 3);
}
}  // namespace

void Memory::alloc_page(uint64_t pa, Owner owner) { pages_[pa >> kPageShift].owner = owner; }

void Memory::free_page(uint64_t pa) {
  auto it = pages_.find(pa >> kPageShift);
  if (it != pages_.end()) it->second.owner = kFree;
}

Owner Memory::owner(uint64_t pa) const {
  auto it = pages_.find(pa >> kPageShift);
  return it == pages_.end() ? kFree : it->second.owner;
}

uint64_t Memory::read64(uint64_t pa) const {
  const unsigned i = index_in_page(pa);
  auto it = pages_.find(pa >> kPageShift);
  return it == pages_.end() ? 0 : it->second.qwords[i];
}

void Memory::write64(uint64_t pa, uint64_t v) {
  const unsigned i = index_in_page(pa);
  pages_[pa >> kPageShift].qwords[i] = v;
}

}  // namespace atslab::hw::memory
