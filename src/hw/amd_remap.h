#pragma once
// What an AMD-Vi IOMMU does with a request without PASID from a DeviceID, in
// the simple translation model, and with the commands it executes.
#include <cstdint>

#include "hw/machine.h"
#include "hw/remap.h"

namespace atslab::hw {

// A valid DTE with TV translates through its domain's table (Mode != 0) or passes
// through (Mode 0); anything else blocks the request.
RemapResult amd_translate(const AmdIommu& u, uint16_t devid, uint64_t iova);
// DTE.I: the IOMMU answers the device's Translation Requests (and lets its translated requests through).
bool amd_iotlb_enabled(const AmdIommu& u, uint16_t devid);

// The model's command: data0 in the layout amd::iommu_queue_command records (opcode
// bits 0-7, DeviceID 8-23, QDEP 24-31, DomainID 32-47); data1 the address as the
// hardware reads it (S at bit 0).
inline constexpr uint64_t kCmdInvPagesSize = 0x1;  // CMD_INV_IOMMU_PAGES_SIZE_MASK: the S bit
// Executes one command. INVALIDATE_IOTLB_PAGES is sent to the function with the DeviceID
// for the range the address encodes, and waited for (the driver's COMPLETION_WAIT).
// INVALIDATE_IOMMU_PAGES: the model has no IOMMU TLB.
void amd_execute_command(Machine& m, unsigned iommu, uint64_t data0, uint64_t data1);

}  // namespace atslab::hw
