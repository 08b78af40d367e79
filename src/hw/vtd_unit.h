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

// Scalable mode: the PASID-table entry for requests without PASID (RID_PASID).
inline constexpr uint8_t kPgttSecondLevel = 2, kPgttPassThrough = 4;  // PASID entry PGTT
struct VtdPasidEntry {
  bool present = false;
  uint8_t pgtt = 0;
  uint16_t did = 0;
  bool operator==(const VtdPasidEntry&) const = default;
};

struct VtdUnit {
  bool ecap_dt = true;    // ECAP.DT: device-TLB (ATS) supported
  bool ecap_dit = true;   // ECAP.DIT: device-TLB invalidation throttling (PFSID in descriptors)
  bool ecap_smts = true;  // ECAP.SMTS: scalable mode; without it the driver runs legacy mode
  bool ecap_prs = true;   // ECAP.PRS: page requests (PRI) supported
  std::map<uint16_t, VtdContextEntry> context;  // by source-id (RID)
  std::map<uint16_t, VtdPasidEntry> rid_pasid;  // scalable mode, by source-id
  std::map<uint16_t, IoPageTable> page_tables;  // second-level tables, by domain id
  bool operator==(const VtdUnit&) const = default;
};

}  // namespace atslab::hw
