#pragma once
// Fault plans as users write them (scenarios, --faults, replay files): the text
// form of the kernel's fault-injection rules (linux/kernel/fault_inject.h).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "linux/kernel/fault_inject.h"

namespace atslab::faults {

// Parses "POINT[:nth=N][:p=0.25][:step=NAME][:always][:err=-EBUSY]" items separated by ',' or ';'.
// Throws atslab::InputError naming the item and what was expected.
std::vector<Rule> parse_plan(std::string_view text);

// A rule as a plan spells it: "pci_enable_ats:nth=1:err=-EINVAL".
std::string format_rule(const Rule& r);
// The plan in force: a scenario's `faults:` rules, then those given beside it (--faults, a replay's).
std::string combined_plan(const std::string& scenario, const std::string& extra);

// What a rule of the plan in force saw over a run (kernel::Record::fault_tallies).
struct RuleCount {
  std::string rule;  // format_rule
  std::string step;  // the step it is limited to, "" for none
  uint64_t calls = 0, fires = 0;
  bool operator==(const RuleCount&) const = default;
};
std::vector<RuleCount> rule_counts(const System& s);
// One line per rule, e.g. "fault rule pci_enable_ats:nth=1: 3 calls, 1 fired"; a rule limited
// to a step that no call of its point ran in says so (a misspelt step name fires nothing).
std::vector<std::string> describe(const std::vector<RuleCount>& counts);
nlohmann::json to_json(const std::vector<RuleCount>& counts);

}  // namespace atslab::faults
