#pragma once
// What the SMMU does with a device's request: an untranslated DMA, a PCIe
// ATS Translation Request, or a translated (pre-translated) DMA. The STE and
// CD are fetched from memory for every request (no configuration cache);
// walks fill and use the IOTLB.
#include <cstdint>
#include <optional>
#include <string>

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

// How the SMMU completes a PCIe ATS Translation Request (IHI 0070, 3.9.1.2): Success (with the
// permissions granted, none on a walk fault), Unsupported Request where ATS is off for the stream,
// Completer Abort on a configuration error.
enum class AtsStatus : uint8_t { Success, UnsupportedRequest, CompleterAbort };

struct TranslateResult {
  bool ok = false;
  uint64_t pa = 0;            // output address of addr
  uint64_t size = 0x1000;     // the naturally aligned range the translation covers
  bool readable = false, writable = false;
  std::optional<EventId> event;  // the event recorded (or due, when EVTQEN is clear)
  AtsStatus ats = AtsStatus::Success;  // a Translation Request's completion status
  // A Translation Request's or Translated transaction's configuration error, which the SMMU
  // answers without an event: it records one only with SMMU_CR2.REC_CFG_ATS, which Linux never
  // sets (arm_smmu_device_reset writes PTM, RECINVSID and E2H), so the model has no such bit.
  std::optional<EventId> unrecorded;
  memory::Owner owner = memory::kFree;  // owner of the page reached, when ok
};

TranslateResult translate(Machine& m, unsigned smmu, const DeviceRequest& req);
// A Translation Request: answered only with IDR0.ATS, a translating STE and
// EATS=TRANS (or S1CHK on a nested STE, answered with the stage-1 output).
// A walk fault is answered as a completion with no access (ok=false, no event).
// SMMUEN clear, a bypass STE or EATS=ABT: UR and F_BAD_ATS_TREQ; an abort STE: UR, no event;
// a configuration error (C_BAD_STREAMID, C_BAD_STE, C_BAD_SUBSTREAMID, F_STREAM_DISABLED,
// C_BAD_CD): CA, no event (IHI 0070, 3.9.1.2).
TranslateResult ats_translation_request(Machine& m, unsigned smmu, const DeviceRequest& req);
// What a Translation Request would be answered with now, from the STE, CD and
// page tables in memory alone: no IOTLB lookup or fill, no event recorded. `pa`
// is the output address of req.addr itself (not aligned down to the size).
// The ATC oracle's reference (check/atc_oracle.h).
TranslateResult ats_translation_from_tables(const Machine& m, unsigned smmu, const DeviceRequest& req);
// A translated request at `pa`: aborted with F_TRANSL_FORBIDDEN when SMMUEN is clear; else
// checked against the STE when CR0.ATSCHK is set: a bypass STE or EATS=ABT, F_TRANSL_FORBIDDEN;
// an abort STE or a configuration error, aborted without an event (IHI 0070, 3.9.1.3).
TranslateResult translated_request(Machine& m, unsigned smmu, uint32_t sid, uint64_t pa, bool write);

// How a Translation Request was answered, for messages: "UR, F_BAD_ATS_TREQ", "CA (C_BAD_STE,
// not recorded)", "no access" or "success".
std::string ats_response(const TranslateResult& r);

}  // namespace atslab::hw::smmuv3
