#pragma once
// `atslab report`: one self-contained HTML page comparing scenarios under
// every variant, with each violation's trace excerpt, the WARN splats, and a
// timeline picture (inline SVG) of the first failing run.
#include <string>
#include <vector>

#include "io/scenario.h"
#include "sim/audit.h"
#include "sim/scenario_run.h"

namespace atslab::io {

struct ReportRun {
  const Scenario* scenario = nullptr;
  sim::ScenarioResult result;
};

// `driver`: the line naming the code that played the kernel (kernel_src::driver_line), shown under the title.
// `audits`: `atslab audit` of each scenario's machine, shown as a table per scenario (none: no section).
std::string html_report(const std::vector<ReportRun>& runs, const std::string& driver = "",
                        const std::vector<sim::Audit>& audits = {});

}  // namespace atslab::io
