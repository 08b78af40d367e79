#pragma once
// The endpoint's side of a DMA with ATS enabled, the same behind every IOMMU:
// look the address up in the function's ATC, send a Translation Request on a
// miss, and use the entry only if it allows the access.
#include <optional>

#include "hw/machine.h"

namespace atslab::hw {

// The ATC entry a DMA to `iova` goes through, after `translate()` (the IOMMU family's Translation
// Request, which fills the ATC when it succeeds) on a miss; nullopt when there is none that allows
// the access, and the device then does not issue it. Simplification: no fallback to untranslated
// requests after a failed Translation Request. `atc_hit`: the ATC held the entry already.
template <typename Translate>
std::optional<pcie::AtcEntry> ats_dma_entry(Machine& m, pcie::FnId fn, bool ssv, uint32_t pasid, uint64_t iova, bool write,
                                            bool& atc_hit, Translate&& translate) {
  auto hit = m.pcie.fn(fn).atc.lookup(ssv, pasid, iova);
  atc_hit = hit.has_value();
  if (!hit) {
    translate();
    hit = m.pcie.fn(fn).atc.lookup(ssv, pasid, iova);
  }
  if (hit && (!write || hit->writable)) return hit;
  return std::nullopt;
}

}  // namespace atslab::hw
