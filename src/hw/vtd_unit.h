#pragma once
// Interim Intel VT-d remapping-unit silicon: the extended-capability bits the
// driver reads at probe and the legacy-mode context entries it writes.
// Invalidation descriptors are consumed at once; they are recorded as events.
#include <cstdint>
#include <map>

namespace atslab::hw {

struct VtdContextEntry {
  bool present = false;
  uint8_t tt = 0;    // Translation Type: 0 untranslated only, 1 device-TLB (ATS) allowed, 2 pass-through
  uint16_t did = 0;  // domain id
  bool operator==(const VtdContextEntry&) const = default;
};

struct VtdUnit {
  bool ecap_dt = true;    // ECAP.DT: device-TLB (ATS) supported
  bool ecap_dit = true;   // ECAP.DIT: device-TLB invalidation throttling (PFSID in descriptors)
  bool ecap_smts = true;  // ECAP.SMTS: scalable mode; without it the driver runs legacy mode
  bool ecap_prs = true;   // ECAP.PRS: page requests (PRI) supported
  std::map<uint16_t, VtdContextEntry> context;  // legacy mode, by source-id (RID)
  bool operator==(const VtdUnit&) const = default;
};

}  // namespace atslab::hw
