#pragma once
// Section 7's invariants as they apply to the VT-d and AMD drivers' state,
// evaluated from outside like the SMMUv3 ones (invariants.cc calls these).
#include <vector>

#include "check/invariants.h"

namespace atslab::check {

// 0: a freed device_domain_info still linked in a unit's device rbtree (a dangling node, UAF pending).
// 11 (legacy VT-d): PCI ATS on => the device's context entry is present with TT = device-TLB.
// 9: the driver's ATS flag (info->ats_enabled, dev_data->ats_enabled) equals the ATS Enable bit.
// 14: a paging domain invalidates exactly the ATCs of its attached devices with ATS on (DEVTLB tags),
// the RID's attachments and the PASIDs' alike.
// With an index, only the infos, domains and dev_data it holds (the others are gone) are visited.
void vtd_invariants(const System& s, bool quiescent, const StateIndex* index, std::vector<Violation>& out);
void amd_invariants(const System& s, bool quiescent, const StateIndex* index, std::vector<Violation>& out);

}  // namespace atslab::check
