#pragma once
// Chrome trace-event JSON (opens in Perfetto / chrome://tracing) for a run:
// the workload's steps as slices, SMMU commands, STE and config writes as
// instants on per-SMMU and per-device tracks, WARNs and violations flagged.
// Time is the record's sequence number, shown as microseconds.
#include <string>
#include <vector>

#include "check/invariants.h"
#include "sim/scenario_run.h"

namespace atslab::io {

std::string chrome_trace(const System& s, const std::vector<sim::StepResult>& steps,
                         const std::vector<check::Violation>& violations, const std::string& title);

}  // namespace atslab::io
