#pragma once
// The ATC oracle (design principle 6, invariant 20): no device may hold, or
// DMA through, a translation its IOMMU would no longer give. It reads hardware
// only, never the driver's state: each function's ATC against a walk of the
// live STE, CD and page tables in memory behind an SMMU
// (hw::smmuv3::ats_translation_from_tables, no IOTLB), or of the VT-d
// context/RID_PASID entries or AMD-Vi DTE and the unit's page tables behind
// an x86 remapping unit (hw::remap_translation_request).
#include <optional>
#include <string>
#include <vector>

#include "check/invariants.h"
#include "hw/pcie/atc.h"
#include "hw/pcie/function.h"

namespace atslab::check {

// Why `e`, an entry of function `fn`'s ATC, is stale at `iova` (a 4 KiB page it
// covers): the IOMMU would now refuse the translation (behind VT-d/AMD-Vi also when
// it no longer serves the device's Translation Requests), give another PA, or give
// less permission. nullopt when the entry still holds there.
std::optional<std::string> atc_entry_stale(const System& s, hw::pcie::FnId fn, const hw::pcie::AtcEntry& e,
                                           uint64_t iova);

// Invariant 20 over every present function's ATC, every 4 KiB page of each
// entry (up to 2 MiB of it). Only meaningful at step boundaries: inside an
// unmap, between the IOPTE clear and the ATC_INV's CMD_SYNC, stale entries
// are legitimate (invariant 19 orders that window).
void atc_oracle(const System& s, std::vector<Violation>& out);

}  // namespace atslab::check
