#pragma once
// What the SMMU does with a device's request: an untranslated DMA, a PCIe
// ATS Translation Request, or a translated (pre-translated) DMA. The STE and
// CD are fetched from memory for every request (no configuration cache);
// walks fill and use the IOTLB.
#include <cstdint>
#include <optional>

#include "hw/machine.h"
#include "hw/smmuv3/event.h"

namespace atslab::hw::smmuv3 {

struct DeviceRequest {
  uint32_t sid = 0;
  bool ssv = false;  // carries a PASID (PASID TLP prefix)
  uint32_t ssid = 0;
  uint64_t addr = 0;
  bool write = false;
};

struct TranslateResult {
  bool ok = false;
  uint64_t pa = 0;            // output address of addr
  uint64_t size = 0x1000;     // the naturally aligned range the translation covers
  bool readable = false, writable = false;
  std::optional<EventId> event;  // the event recorded (or due, when EVTQEN is clear)
  memory::Owner owner = memory::kFree;  // owner of the page reached, when ok
};

TranslateResult translate(Machine& m, unsigned smmu, const DeviceRequest& req);
// A Translation Request: answered only with IDR0.ATS, a translating STE and
// EATS=TRANS (or S1CHK on a nested STE, answered with the stage-1 output).
// A walk fault is answered as a completion with no access (ok=false, no event).
TranslateResult ats_translation_request(Machine& m, unsigned smmu, const DeviceRequest& req);
// What a Translation Request would be answered with now, from the STE, CD and
// page tables in memory alone: no IOTLB lookup or fill, no event recorded. `pa`
// is the output address of req.addr itself (not aligned down to the size).
// The ATC oracle's reference (check/atc_oracle.h).
TranslateResult ats_translation_from_tables(const Machine& m, unsigned smmu, const DeviceRequest& req);
// A translated request at `pa`: checked against STE.EATS when CR0.ATSCHK is set.
TranslateResult translated_request(Machine& m, unsigned smmu, uint32_t sid, uint64_t pa, bool write);

}  // namespace atslab::hw::smmuv3
