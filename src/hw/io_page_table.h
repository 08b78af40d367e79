#pragma once
// The x86 remapping units' translation table in the "simpler translation model"
// (VT-d second-level tables, AMD-Vi v1 tables): 4 KiB IOVA pages to physical
// pages with no format and no permissions (every mapping is read-write). The
// tables belong to the hardware, keyed by domain id in the unit that walks
// them (hw::VtdUnit, hw::AmdIommu), so the unit never reads kernel state; the
// drivers write them as they would write page tables in memory.
#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>

namespace atslab::hw {

struct IoPageTable {
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
  // The physical address `iova` translates to, if its page is mapped.
  std::optional<uint64_t> lookup(uint64_t iova) const {
    auto it = pages.find(iova >> 12);
    if (it == pages.end()) return std::nullopt;
    return it->second << 12 | (iova & 0xfff);
  }
  bool operator==(const IoPageTable&) const = default;
};

}  // namespace atslab::hw
