#pragma once
// What the PASID and SVA tests on the tree's code read of a run: the scenario's first steps, its
// PASID-capable endpoint, and that endpoint's STE and CDs as the SMMU would fetch them.
#include <string>
#include <vector>

#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"

namespace atslab::test::pasid_machine {

// The scenario's first `n` steps under upstream: the machine as they leave it.
inline sim::ScenarioResult first_steps(const io::Scenario& sc, size_t n) {
  const std::vector<sim::Op> ops(sc.workload.begin(), sc.workload.begin() + long(n));
  return sim::run_ops(sc, policy::AtsVariant::Upstream, ops, 1, "");
}

// The first function with a PASID capability.
inline pci::DevId acc(const System& s) {
  for (pci::DevId d = 0; d < s.kernel.devs.size(); ++d)
    if (s.kernel.devs[d].pasid_cap) return d;
  return pci::kNoDev;
}

inline hw::smmuv3::Entry ste(const System& s, pci::DevId dev) {
  const auto pa = hw::smmuv3::ste_address(s.hw.memory, s.hw.smmus.at(0), s.kernel.devs[dev].bdf.rid());
  return pa ? hw::smmuv3::read_entry(s.hw.memory, *pa) : hw::smmuv3::Entry{};
}

inline hw::smmuv3::Entry cd(const System& s, pci::DevId dev, uint32_t ssid) {
  const auto pa = hw::smmuv3::cd_address(s.hw.memory, ste(s, dev), ssid);
  return pa ? hw::smmuv3::read_entry(s.hw.memory, *pa) : hw::smmuv3::Entry{};
}

}  // namespace atslab::test::pasid_machine
