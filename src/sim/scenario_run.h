#pragma once
// Running a YAML scenario under a variant: build, boot, run the workload step
// by step under the invariant monitor, and compare with the expectations.
#include <map>
#include <string>
#include <vector>

#include "check/invariants.h"
#include "io/scenario.h"
#include "sim/final_state.h"
#include "sim/ops.h"
#include "linux/system.h"

namespace atslab::sim {

struct StepResult {
  std::string what;
  int ret = 0;
  uint64_t begin = 0, end = 0;  // record sequence numbers spanned by the step
  std::vector<std::string> cpu1;  // what CPU 1 ran inside it, in order (describe of each nested op)
  std::vector<DeviceFinalState> devices;  // every device's truth and belief once the step is over (the report's picture)
  std::string device;  // the BDF of the function the operation named, as it was when the step began ("" for none)
  bool fault_unfired = false;  // the step forced a fault (Op::fault) and made no call to its point
};

struct ScenarioResult {
  policy::AtsVariant variant{};
  System final;
  std::vector<StepResult> steps;
  std::vector<check::Violation> violations;
  std::vector<int> violated;
  size_t atc_inv_to_ats_disabled = 0;
  std::vector<std::string> failed_expectations;  // empty: the scenario passed under this variant
  // Which block judged the run: "expect", "expect_source.6.12.118" (the tree's own rows), or "none"
  // (--driver source on a file that sets a switch only the model has).
  std::string judged_by = "expect";
};

// The step a record sequence number falls in: step i consumed the numbers up to its `end`, the
// number its closing check stamps on what it finds (a violation's seq); the last step for any later
// number. The result must have a step.
size_t step_at(const ScenarioResult& r, uint64_t seq);
System build_machine(const io::Scenario& sc, policy::AtsVariant v, DeviceNames& names);
// build_machine, the fault plan (the scenario's plus `extra_faults`) seeded with `seed`,
// then boot: enumeration, IOMMU probe, the scenario's drivers bound. The workload runs
// as a user task from here on.
System boot_machine(const io::Scenario& sc, policy::AtsVariant v, OpContext& ctx, uint64_t seed,
                    const std::string& extra_faults);
// The expectations a run of `sc` is judged by: `expect`, or under --driver source the file's
// expect_source rows for the tree built in, or none (a switch only the model has); `judged_by`
// names which ("expect", "expect_source.6.12.118", "none").
const std::map<std::string, io::Expectation>& expectations_for(const io::Scenario& sc, std::string& judged_by);
ScenarioResult run_scenario(const io::Scenario& sc, policy::AtsVariant v);
// The same with another workload, seed and extra fault plan (what `atslab replay` runs).
ScenarioResult run_ops(const io::Scenario& sc, policy::AtsVariant v, const std::vector<Op>& ops, uint64_t seed,
                       const std::string& extra_faults);

}  // namespace atslab::sim
