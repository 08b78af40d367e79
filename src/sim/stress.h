#pragma once
// Stress runs: random workloads drawn from a seeded RNG over a scenario's
// machine, every invariant checked after every operation. The same seed gives
// the same run, byte for byte. Each invariant's first violation comes with the
// operation sequence that reaches it, which `atslab replay` runs again.
#include <cstdint>
#include <functional>
#include <span>
#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "check/invariants.h"
#include "io/fault_plan.h"
#include "io/scenario.h"
#include "sim/op_kinds.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"
#include "sim/workloads.h"

namespace atslab::sim {

struct FirstViolation {
  check::Violation violation;
  std::vector<Op> prefix;  // the operations from boot up to and including the one that broke it
};

struct StressResult {
  policy::AtsVariant variant{};
  uint64_t seed = 0;
  Workload workload = Workload::Mixed;
  size_t ops = 0;             // the workload's set-up, then its random operations
  std::map<std::string, size_t> ops_by_kind;       // "sriov_enable" -> n
  std::map<std::string, size_t> errors_by_kind;    // operations that returned an error
  std::map<std::string, size_t> commands_by_kind;  // SMMU commands issued, by name
  size_t warnings = 0;
  std::vector<std::string> warning_sites;          // "pci_disable_ats" per WARN, first 16
  // Every WARN by where it fired and what it tested, as its splat's first lines say it:
  // "drivers/pci/ats.c:132 at pci_disable_ats: WARN_ON(!dev->ats_enabled)" -> n.
  std::map<std::string, size_t> warnings_by_site;
  std::map<int, FirstViolation> first;             // by invariant number
  size_t atc_inv_to_ats_disabled = 0;
  size_t interleaved = 0;  // operations CPU 1 ran inside another at an interleaving point
  std::vector<std::string> non_compliance;  // endpoint behaviour PCIe does not allow, in force (sim/non_compliance.h)
  std::vector<faults::RuleCount> fault_rules;  // each rule of the plan in force: its calls and fires
  double seconds = 0;
};

// One step of a stress run as an observer sees it (for a trace), before the
// record may be dropped: the step, the record's events [events_from, events_to)
// it produced, and the invariant violations found after it.
struct StressStep {
  const System& s;
  const StepResult& step;
  size_t events_from, events_to;
  std::span<const check::Violation> violations;
};

struct StressOptions {
  uint64_t seed = 1;
  size_t ops = 1000;          // random operations, after the workload's set-up
  double seconds = 0;         // > 0: run until this much time passed instead of `ops`
  Workload workload = Workload::Mixed;
  std::string faults;         // extra plan on top of the scenario's
  bool progress = false;      // a progress line on stderr
  unsigned interleave_per_mille = 250;  // operations given a second CPU's operation at an interleaving point
  std::function<void(const StressStep&)> on_step;  // called after boot and after every operation
  size_t record_limit = 200000;  // events kept before checked history is dropped (memory bound)
};

StressResult run_stress(const io::Scenario& sc, policy::AtsVariant v, const StressOptions& opt);

// A replay file: the scenario, variant, seed, fault plan and operations (JSON).
std::string replay_json(const io::Scenario& sc, policy::AtsVariant v, uint64_t seed, const std::string& faults,
                        const std::vector<Op>& ops);

}  // namespace atslab::sim
