#pragma once
// The AMD-Vi command buffer: INVALIDATE_IOMMU_PAGES and INVALIDATE_IOTLB_PAGES.
// The IOMMU executes each at once (hw::amd_execute_command: INVALIDATE_IOTLB_PAGES
// invalidates the endpoint's ATC for the range its address encodes) and each is
// recorded as an event (EventKind::AmdCommand) that encode/decode map to and from.
#include <cstdint>

#include "linux/kernel/record.h"

namespace atslab {
struct System;
}

namespace atslab::amd {

enum class CmdOp : uint8_t { InvIommuPages = 0x03, InvIotlbPages = 0x04 };  // CMD_INV_IOMMU_PAGES, CMD_INV_IOTLB_PAGES

struct Cmd {
  CmdOp op = CmdOp::InvIommuPages;
  uint16_t domid = 0;  // IOMMU pages
  uint16_t devid = 0;  // IOTLB pages: the endpoint
  uint8_t qdep = 0;    // IOTLB pages: the endpoint's invalidation queue depth
  uint64_t addr = 0;
  uint64_t size = 0;  // bytes; decode gives the range the IOMMU reads, 0 meaning everything
  bool operator==(const Cmd&) const = default;
};

// build_inv_address: one page without the S bit; more, as the smallest naturally aligned
// range around [address, address + size) with the S bit; a size of kAllPages (or one
// reaching across bit 51) as everything.
inline constexpr uint64_t kAllPages = 0x7fffffffffffffffull;  // CMD_INV_IOMMU_ALL_PAGES_ADDRESS as a size
uint64_t build_inv_address(uint64_t address, uint64_t size);

void iommu_queue_command(System& s, uint16_t iommu, const Cmd& c);
// The command an event carries; addr and size are the range the IOMMU decodes.
Cmd decode(const kernel::Event& e);

}  // namespace atslab::amd
