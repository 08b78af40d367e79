#pragma once
// Endpoint behaviour PCIe does not allow, in force in a run: every report names it, so that a
// verdict resting on it is never read as one about compliant hardware (docs/fidelity.md).
#include <string>
#include <vector>

#include "linux/system.h"

namespace atslab::sim {

// One line per non-compliance: each fault rule at an endpoint non-compliance point, and each
// function whose ATC behaves non-compliantly now ("0000:01:00.1 ignores ATC invalidations while
// its ATS is off"). Empty for compliant hardware.
std::vector<std::string> endpoint_non_compliance(const System& s);

}  // namespace atslab::sim
