#pragma once
// Physical memory as 4 KiB pages, each with an owner, so that a DMA or a
// table walk into memory that was freed or handed to someone else is seen.
// Simplification: only 64-bit aligned accesses; unbacked memory reads as zero.
#include <array>
#include <cstdint>
#include <map>

namespace atslab::hw::memory {

inline constexpr unsigned kPageShift = 12;
inline constexpr uint64_t kPageSize = uint64_t{1} << kPageShift;

// Who a page belongs to: a small integer the caller assigns (kernel, a page
// table, a DMA buffer, ...). kFree pages are backed but unallocated.
using Owner = uint32_t;
inline constexpr Owner kFree = 0;

struct Page {
  Owner owner = kFree;
  std::array<uint64_t, kPageSize / 8> qwords{};
  bool operator==(const Page&) const = default;
};

class Memory {
 public:
  // Backs the page holding `pa` (if it was not) and gives it to `owner`.
  void alloc_page(uint64_t pa, Owner owner);
  void free_page(uint64_t pa);  // the contents stay, as in real memory
  Owner owner(uint64_t pa) const;
  bool backed(uint64_t pa) const { return pages_.count(pa >> kPageShift) != 0; }

  uint64_t read64(uint64_t pa) const;
  // Writes to unbacked memory back the page, unowned.
  void write64(uint64_t pa, uint64_t v);

  const std::map<uint64_t, Page>& pages() const { return pages_; }  // by page frame number
  bool operator==(const Memory&) const = default;

 private:
  std::map<uint64_t, Page> pages_;
};

}  // namespace atslab::hw::memory
