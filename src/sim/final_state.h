#pragma once
// What a run leaves, per device, for `atslab run`'s closing table and its --json: the
// hardware's truth beside the driver's belief (issue 17), so a reader sees where they part
// without reading the trace.
#include <optional>
#include <string>
#include <vector>

#include "linux/system.h"

namespace atslab::sim {

struct DeviceFinalState {
  std::string bdf;
  bool removed = false;
  bool ats_cap = false;              // the function has an ATS capability (the two below are its Control register)
  bool ats_enable = false;           // ATS Control's Enable bit, as the function holds it
  unsigned stu = 0;                  // the page shift its STU field says (12 + the field)
  std::string belief_field;          // "master->ats_enabled", "info->ats_enabled", "dev_data->ats_enabled"; "" when none
  std::optional<bool> belief;        // that field's value, from whichever driver holds it (the tree's too)
  std::optional<unsigned> ste_eats;  // SMMUv3: EATS of the STE of its first StreamID (0 abort/none, 1 TRANS)
  std::optional<int> nr_ats_masters; // SMMUv3: of the paging domain it is attached to
  // SMMUv3 with the 2026 invalidation arrays: whether its paging domain's array holds a live ATS
  // entry for its first StreamID (none: no arrays, or no paging domain)
  std::optional<bool> invs_ats_entry;
  bool operator==(const DeviceFinalState&) const = default;
};

// Where the driver's books and the function's ATS Enable bit disagree, one way each: its flag;
// what it wrote from its decision (STE.EATS=TRANS); its ATS entry in the domain's array. False for
// a removed function or one without an ATS capability. run's closing lines and the report's
// picture mark the same disagreements.
bool belief_apart(const DeviceFinalState& d);
bool ste_apart(const DeviceFinalState& d);
bool invs_apart(const DeviceFinalState& d);
inline bool apart(const DeviceFinalState& d) { return belief_apart(d) || ste_apart(d) || invs_apart(d); }

// Every PCI function the kernel enumerated, in DevId order. Reads the tree's driver once per
// call, not once per device.
std::vector<DeviceFinalState> final_device_states(const System& s);

}  // namespace atslab::sim
