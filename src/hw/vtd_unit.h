#pragma once
// Intel VT-d remapping-unit silicon, at the model's fidelity: the
// extended-capability bits the driver reads at probe, the context entries
// (legacy mode) or scalable-mode context and RID_PASID entries it writes, and
// the second-level tables they point at (by domain id). What the unit does
// with them is in hw/vtd_remap.h; invalidation descriptors are executed as
// the driver submits them (hw::vtd_execute_qi).
#include <cstdint>
#include <map>

#include "hw/io_page_table.h"

namespace atslab::hw {

struct VtdContextEntry {
  bool present = false;
  uint8_t tt = 0;    // legacy: Translation Type: 0 untranslated only, 1 device-TLB (ATS) allowed, 2 pass-through
  uint16_t did = 0;  // legacy: domain id
  bool dte = false;  // scalable mode: Device-TLB Enable (the unit serves Translation Requests)
  bool operator==(const VtdContextEntry&) const = default;
};

// Scalable mode: a PASID-table entry, for requests without PASID (RID_PASID) or with one.
inline constexpr uint8_t kPgttSecondLevel = 2, kPgttPassThrough = 4;  // PASID entry PGTT
struct VtdPasidEntry {
  bool present = false;
  uint8_t pgtt = 0;
  uint16_t did = 0;
  bool operator==(const VtdPasidEntry&) const = default;
};

inline constexpr uint64_t vtd_pasid_key(uint16_t rid, uint32_t pasid) { return uint64_t{rid} << 32 | pasid; }

struct VtdUnit {
  bool ecap_dt = true;    // ECAP.DT: device-TLB (ATS) supported
  bool ecap_dit = true;   // ECAP.DIT: device-TLB invalidation throttling (PFSID in descriptors)
  bool ecap_smts = true;  // ECAP.SMTS: scalable mode; without it the driver runs legacy mode
  bool ecap_prs = true;   // ECAP.PRS: page requests (PRI) supported
  bool ecap_pasid = true;  // ECAP.PASID: requests with PASID are translated (scalable mode only)
  uint8_t ecap_pss = 19;   // ECAP.PSS: the unit takes PASIDs of PSS + 1 bits (19: all 20)
  std::map<uint16_t, VtdContextEntry> context;  // by source-id (RID)
  std::map<uint16_t, VtdPasidEntry> rid_pasid;  // scalable mode, by source-id
  // Scalable mode: the entries of the device's PASID table for PASIDs 1 and up (requests with
  // PASID), by vtd_pasid_key(source-id, PASID). Only present entries are kept.
  std::map<uint64_t, VtdPasidEntry> pasid_table;
  std::map<uint16_t, IoPageTable> page_tables;  // second-level tables, by domain id
  bool operator==(const VtdUnit&) const = default;
};

}  // namespace atslab::hw
