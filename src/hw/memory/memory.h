#pragma once
// Physical memory as 4 KiB pages, each with an owner, so that a DMA or a
// table walk into memory that was freed or handed to someone else is seen.
// Simplification: only 64-bit aligned accesses; unbacked memory reads as zero.
//
// Page contents are held copy-on-write (hw::CowBlock), each with its content
// hash cached: the explorer copies and hashes the System for every transition,
// and a transition writes a few qwords of a few pages at most.
#include <array>
#include <cstdint>
#include <vector>

#include "hw/cow_block.h"

namespace atslab::hw::memory {

inline constexpr unsigned kPageShift = 12;
inline constexpr uint64_t kPageSize = uint64_t{1} << kPageShift;

// Who a page belongs to: a small integer the caller assigns (kernel, a page
// table, a DMA buffer, ...). kFree pages are backed but unallocated.
using Owner = uint32_t;
inline constexpr Owner kFree = 0;

using PageData = std::array<uint64_t, kPageSize / 8>;

// A backed page. The owner lives beside the shared contents, so that
// allocating or freeing a page does not clone its 4 KiB.
struct Frame {
  uint64_t pfn = 0;
  Owner owner = kFree;
  CowBlock<PageData> data;
  bool operator==(const Frame&) const = default;
};

class Memory {
 public:
  // Backs the page holding `pa` (if it was not) and gives it to `owner`.
  void alloc_page(uint64_t pa, Owner owner);
  void free_page(uint64_t pa);  // the contents stay, as in real memory
  Owner owner(uint64_t pa) const;
  bool backed(uint64_t pa) const { return find(pa >> kPageShift) != nullptr; }

  uint64_t read64(uint64_t pa) const;
  // `n` consecutive qwords from `pa` (an STE, a CD): one lookup when they share a page.
  void read_qwords(uint64_t pa, uint64_t* out, unsigned n) const;
  // The whole page holding `pa`, zeros when unbacked: one lookup for a walk over a table's
  // 512 descriptors. Good until the next write to memory.
  const PageData& page(uint64_t pa) const;
  // Writes to unbacked memory back the page, unowned.
  void write64(uint64_t pa, uint64_t v);
  // Zeroes the page holding `pa` (backing it, unowned, if it was not): memset of a page, in one
  // step rather than 512 stores.
  void zero_page(uint64_t pa);

  // Backed pages in ascending page frame number (a sorted vector: one allocation per copy).
  const std::vector<Frame>& frames() const { return frames_; }
  // By the pages alone (the lookup hint is not state).
  bool operator==(const Memory& o) const { return frames_ == o.frames_; }

 private:
  const Frame* find(uint64_t pfn) const;
  Frame& at(uint64_t pfn);  // backs the page when it is not

  std::vector<Frame> frames_;
  // Where the last lookup found its page: the model reads the same table page many times in a
  // row (an STE's eight qwords, a table walk). A cache, not state: == and the hash ignore it.
  mutable size_t hint_ = 0;
};

}  // namespace atslab::hw::memory
