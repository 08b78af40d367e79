#pragma once
// A PCIe function doing DMA through its SMMU, as the silicon of both ends
// behaves: with ATS enabled it consults its ATC, sends a Translation Request
// on a miss and caches the completion, then issues a translated request;
// with ATS disabled it issues untranslated requests.
#include <cstdint>
#include <optional>

#include "hw/machine.h"
#include "hw/smmuv3/event.h"

namespace atslab::hw {

struct DmaResult {
  bool ok = false;
  bool translated = false;  // went out as a translated (AT=translated) request
  bool atc_hit = false;
  uint64_t pa = 0;
  std::optional<smmuv3::EventId> event;
  memory::Owner owner = memory::kFree;  // owner of the page the access reached
  std::optional<pcie::AtcEntry> atc_entry;  // the ATC entry a translated request used
};

// A Translation Request from `fn`; caches the completion in its ATC. False when
// ATS is disabled at the function (it sends none) or the SMMU refused.
bool device_ats_translate(Machine& m, unsigned smmu, pcie::FnId fn, bool ssv, uint32_t pasid, uint64_t iova,
                          bool write, std::optional<smmuv3::EventId>* event = nullptr);

DmaResult device_dma(Machine& m, unsigned smmu, pcie::FnId fn, bool ssv, uint32_t pasid, uint64_t iova, bool write);

}  // namespace atslab::hw
