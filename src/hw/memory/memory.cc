#include "hw/memory/memory.h"

#include <algorithm>
#include <stdexcept>

namespace atslab::hw::memory {

namespace {
unsigned index_in_page(uint64_t pa) {
  if (pa & 7) throw std::logic_error("unaligned 64-bit memory access");
  return unsigned((pa & (kPageSize - 1)) >> 3);
}
auto by_pfn = [](const Frame& f, uint64_t pfn) { return f.pfn < pfn; };
}  // namespace

const Frame* Memory::find(uint64_t pfn) const {
  if (hint_ < frames_.size() && frames_[hint_].pfn == pfn) return &frames_[hint_];
  auto it = std::lower_bound(frames_.begin(), frames_.end(), pfn, by_pfn);
  if (it == frames_.end() || it->pfn != pfn) return nullptr;
  hint_ = static_cast<size_t>(it - frames_.begin());
  return &*it;
}

Frame& Memory::at(uint64_t pfn) {
  auto it = std::lower_bound(frames_.begin(), frames_.end(), pfn, by_pfn);
  if (it == frames_.end() || it->pfn != pfn) it = frames_.insert(it, Frame{.pfn = pfn});
  return *it;
}

void Memory::alloc_page(uint64_t pa, Owner owner) { at(pa >> kPageShift).owner = owner; }

void Memory::free_page(uint64_t pa) {
  auto it = std::lower_bound(frames_.begin(), frames_.end(), pa >> kPageShift, by_pfn);
  if (it != frames_.end() && it->pfn == pa >> kPageShift) it->owner = kFree;
}

Owner Memory::owner(uint64_t pa) const {
  const Frame* f = find(pa >> kPageShift);
  return f ? f->owner : kFree;
}

const PageData& Memory::page(uint64_t pa) const {
  static const PageData zero{};
  const Frame* f = find(pa >> kPageShift);
  return f ? f->data.get() : zero;
}

void Memory::read_qwords(uint64_t pa, uint64_t* out, unsigned n) const {
  const unsigned first = index_in_page(pa);
  if (first + n > kPageSize / 8) {  // crosses a page: qword by qword
    for (unsigned i = 0; i < n; ++i) out[i] = read64(pa + 8 * i);
    return;
  }
  std::copy_n(page(pa).begin() + first, n, out);
}

uint64_t Memory::read64(uint64_t pa) const { return page(pa)[index_in_page(pa)]; }

void Memory::write64(uint64_t pa, uint64_t v) {
  const unsigned i = index_in_page(pa);
  Frame& f = at(pa >> kPageShift);
  // Storing what is already there keeps the page shared with the states it came from.
  if (f.data.get()[i] != v) f.data.mut()[i] = v;
}

void Memory::zero_page(uint64_t pa) { at(pa >> kPageShift).data.clear(); }

}  // namespace atslab::hw::memory
