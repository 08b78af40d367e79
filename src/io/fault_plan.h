#pragma once
// Fault plans as users write them (scenarios, --faults, replay files): the text
// form of the kernel's fault-injection rules (linux/kernel/fault_inject.h).
#include <string_view>
#include <vector>

#include "linux/kernel/fault_inject.h"

namespace atslab::faults {

// Parses "POINT[:nth=N][:p=0.25][:step=NAME][:always][:err=-EBUSY]" items separated by ',' or ';'.
// Throws atslab::InputError naming the item and what was expected.
std::vector<Rule> parse_plan(std::string_view text);

}  // namespace atslab::faults
