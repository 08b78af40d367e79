#pragma once
// Interim SMMUv3 silicon until the full model (stream table in memory, hitless
// writer, command queue) lands: the STE each StreamID sees, as 8 qwords.
// Commands are consumed at once; their effects are recorded as events.
#include <array>
#include <cstdint>
#include <map>
#include <vector>

namespace atslab::hw {

struct SmmuInterim {
  // ID registers the driver reads at probe: IDR0.ATS and the IDR5 granules (as a page-size bitmap).
  bool idr0_ats = true;
  uint64_t pgsize_bitmap = 0x40201000;  // 4K | 2M | 1G
  std::map<uint32_t, std::array<uint64_t, 8>> ste;  // by StreamID; absent = not yet written (aborts)
  // Endpoint behaviour for an invalidation arriving while its ATS is disabled:
  // complete it (default), or ignore it, so the next CMD_SYNC times out (CERROR 3).
  bool endpoints_ignore_inv_when_disabled = false;
  bool operator==(const SmmuInterim&) const = default;
};

}  // namespace atslab::hw
