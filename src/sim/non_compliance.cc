#include "sim/non_compliance.h"

#include <fmt/format.h>

namespace atslab::sim {

std::vector<std::string> endpoint_non_compliance(const System& s) {
  std::vector<std::string> out;
  for (const faults::Rule& r : s.faults.rules)
    if (faults::endpoint_non_compliance(r.point)) out.push_back(fmt::format("fault plan: {}", faults::name(r.point)));
  for (const auto& f : s.hw.pcie.functions()) {
    if (!f.present) continue;
    if (f.atc.inv_while_disabled == hw::pcie::AtcInvWhileDisabled::Ignore)
      out.push_back(fmt::format("{} ignores ATC invalidations while its ATS is off", f.bdf.str()));
    if (f.atc.on_enable == hw::pcie::AtcOnEnable::Keep)
      out.push_back(fmt::format("{} keeps its ATC when ATS Enable is set", f.bdf.str()));
  }
  return out;
}

}  // namespace atslab::sim
