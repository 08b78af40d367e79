#pragma once
// What the x86 remapping units (VT-d, AMD-Vi) share in the simple translation
// model: one request's answer, routing a RID to the function behind a unit,
// the size-bit range encoding of their ATS invalidations, and delivering an
// invalidation to an endpoint's ATC and waiting for it. Per-unit behaviour is
// in hw/vtd_remap.h and hw/amd_remap.h.
#include <cstdint>

#include "hw/machine.h"

namespace atslab::hw {

struct RemapResult {
  bool ok = false;
  uint64_t pa = 0;
  uint64_t size = 0x1000;  // a Translation Completion's span: one 4 KiB page in this model
  bool writable = false;
};

// The function with requester ID `rid` behind unit `unit` of kind `kind`, or pcie::kNoFn.
pcie::FnId function_of_rid(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid);

// The size-bit range both VT-d device-IOTLB descriptors and AMD INVALIDATE_IOTLB_PAGES
// carry (the PCIe ATS Invalidate Request's encoding): with S clear, the 4 KiB page at
// addr; with S set, the lowest clear bit of addr at or above bit 12, b, makes it the
// 2^(b+1)-byte range aligned to that size around addr. No clear bit below bit 63
// means everything (size 0).
struct InvRange {
  uint64_t addr = 0;
  uint64_t size = 0;  // bytes; 0 = the whole ATC
  bool operator==(const InvRange&) const = default;
};
InvRange decode_size_bit_range(uint64_t addr, bool s);

// An ATC invalidation request to `fn` for `r` (with a PASID prefix when `ssv`: only that
// PASID's translations), and the unit waiting for its completion (VT-d's wait descriptor,
// AMD's COMPLETION_WAIT): the endpoint processes its queue. False when the endpoint dropped
// the request (ATS off and it ignores such requests).
bool atc_invalidate_sync(Machine& m, pcie::FnId fn, const InvRange& r, bool ssv = false, uint32_t pasid = 0);

// Per kind of unit (VT-d or AMD-Vi), for requests without PASID from `rid`:
// an untranslated request; a Translation Request, answered only where the unit's
// entry for the device enables its device TLB (VT-d legacy TT=device-TLB or scalable
// DTE, AMD DTE.I); and whether a translated request is let through.
RemapResult remap_translate(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid, uint64_t iova);
RemapResult remap_translation_request(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid,
                                      uint64_t iova);
bool remap_translated_allowed(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid);
// The same for requests with PASID `pasid` (1 and up). An AMD-Vi IOMMU takes them through the
// DTE's GCR3 table, which the modelled driver never writes (only SVA does): refused.
RemapResult remap_translate_pasid(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid, uint32_t pasid,
                                  uint64_t iova);
RemapResult remap_translation_request_pasid(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid,
                                            uint32_t pasid, uint64_t iova);
bool remap_translated_allowed_pasid(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid, uint32_t pasid);
// Whether the machine has unit `unit` of that kind (a VT-d or AMD-Vi root complex's iommu_index).
bool has_remap_unit(const Machine& m, pcie::IommuKind kind, unsigned unit);

}  // namespace atslab::hw
