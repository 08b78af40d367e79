#pragma once
// What a VT-d unit does with a request without PASID from a source-id, in the
// simple translation model, and with the invalidation descriptors it executes.
#include <cstdint>

#include "hw/machine.h"
#include "hw/remap.h"

namespace atslab::hw {

// Legacy mode reads the context entry (TT 0/1 translate through the domain's table,
// TT 2 passes through); scalable mode the context entry and the RID_PASID entry
// (PGTT second-level or pass-through). Anything else blocks the request.
RemapResult vtd_translate(const VtdUnit& u, uint16_t rid, uint64_t iova);
// Whether the unit serves the device's Translation Requests (and lets its translated
// requests through): legacy TT = device-TLB, scalable mode context DTE with a present
// RID_PASID entry.
bool vtd_devtlb_enabled(const VtdUnit& u, uint16_t rid);

// The model's invalidation descriptor: qw0 in the layout vtd::qi_submit_sync records
// (type bits 0-7, SID 8-23, PFSID 24-39, QDEP 40-47, DID 48-63); qw1 as the hardware
// reads it (device-IOTLB: address, S at bit 11; IOTLB: address, AM in bits 0-5).
inline constexpr uint64_t kQiDevIotlbSize = uint64_t{1} << 11;  // the S bit
// Executes one descriptor. A device-IOTLB descriptor is sent to the function with its
// SID (PFSID only throttles; the model does not throttle) for the range qw1 encodes,
// and waited for. IOTLB descriptors: the model has no unit IOTLB.
void vtd_execute_qi(Machine& m, unsigned unit, uint64_t qw0, uint64_t qw1);

}  // namespace atslab::hw
