#pragma once
// The simple translation table the drivers keep where ATS handling does not
// need the real page-table format: 4 KiB IOVA pages to physical pages.
#include <cerrno>
#include <cstdint>
#include <map>

namespace atslab::iommu {

struct PageMap {
  std::map<uint64_t, uint64_t> pages;  // IOVA page -> physical page

  // Maps [iova, iova + size) to [paddr, ...): -EINVAL if not 4 KiB aligned, -EEXIST if any page is mapped.
  int map(uint64_t iova, uint64_t paddr, uint64_t size) {
    if ((iova | paddr | size) & 0xfff) return -EINVAL;
    for (uint64_t off = 0; off < size; off += 0x1000)
      if (pages.count((iova + off) >> 12)) return -EEXIST;
    for (uint64_t off = 0; off < size; off += 0x1000) pages[(iova + off) >> 12] = (paddr + off) >> 12;
    return 0;
  }
  // Unmaps what is mapped in [iova, iova + size); returns the bytes unmapped.
  uint64_t unmap(uint64_t iova, uint64_t size) {
    uint64_t done = 0;
    for (uint64_t off = 0; off < size; off += 0x1000) done += pages.erase((iova + off) >> 12) * 0x1000;
    return done;
  }
  bool operator==(const PageMap&) const = default;
};

}  // namespace atslab::iommu
