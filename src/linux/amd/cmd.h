#pragma once
// The AMD-Vi command buffer: INVALIDATE_IOMMU_PAGES and INVALIDATE_IOTLB_PAGES.
// The IOMMU consumes commands at once; each is recorded as an event
// (EventKind::AmdCommand) that encode/decode map to and from.
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
  uint64_t size = 0;
  bool operator==(const Cmd&) const = default;
};

void iommu_queue_command(System& s, uint16_t iommu, const Cmd& c);
Cmd decode(const kernel::Event& e);

}  // namespace atslab::amd
