#pragma once
// What a VT-d unit does with a request from a source-id, without PASID or (scalable mode)
// with one, in the simple translation model, and with the invalidation descriptors it executes.
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

// Requests with PASID `pasid` (1 and up): scalable mode reads the context entry and the
// device's PASID-table entry for the PASID (PGTT second-level or pass-through); legacy mode
// has no PASID tables and blocks them. The device TLB is served for a PASID under the context
// entry's DTE with the PASID's entry present.
RemapResult vtd_translate_pasid(const VtdUnit& u, uint16_t rid, uint32_t pasid, uint64_t iova);
bool vtd_devtlb_enabled_pasid(const VtdUnit& u, uint16_t rid, uint32_t pasid);

// The model's invalidation descriptor: qw0 in the layout vtd::qi_submit_sync records
// (type bits 0-7, SID 8-23, PFSID 24-39, QDEP 40-47, DID 48-63); qw1 as the hardware
// reads it (device-IOTLB: address, S at bit 11; IOTLB: address, AM in bits 0-5). The
// PASID-based device-IOTLB descriptor (type 0x8) has no DID: qw0's bits 48-63 carry the PASID's
// low 16 bits and qw1's bits 1-4 (reserved in a device-IOTLB descriptor) its high 4.
inline constexpr uint64_t kQiDevIotlbSize = uint64_t{1} << 11;  // the S bit
inline constexpr uint64_t kQiTypeDevIotlb = 0x3, kQiTypePasidDevIotlb = 0x8;  // QI_DIOTLB_TYPE, QI_DEIOTLB_TYPE
inline constexpr uint32_t vtd_qi_pasid(uint64_t qw0, uint64_t qw1) {
  return static_cast<uint32_t>((qw0 >> 48) & 0xffff) | static_cast<uint32_t>((qw1 >> 1) & 0xf) << 16;
}
// Executes one descriptor. A device-IOTLB descriptor is sent to the function with its
// SID (PFSID only throttles; the model does not throttle) for the range qw1 encodes,
// and waited for; a PASID-based one as an invalidation with that PASID (the function drops
// only that PASID's translations). IOTLB descriptors: the model has no unit IOTLB.
void vtd_execute_qi(Machine& m, unsigned unit, uint64_t qw0, uint64_t qw1);

}  // namespace atslab::hw
