#pragma once
// A scenario's PCIe hierarchy as silicon: root complexes, ports, devices (built or imported
// from lspci dumps) and their VF slots. The loader builds it once to refuse, at load, a machine
// PCI cannot hold; sim::build_machine builds the System around it.
#include <map>
#include <string>

#include "hw/pcie/topology.h"
#include "io/scenario.h"

namespace atslab::io {

// Throws atslab::InputError "FILE: ..." for what PCI cannot hold: more root ports or root-complex
// integrated endpoints than the root bus has device numbers, bus numbers past 255, two functions
// at one routing ID (Topology::address_conflict). `names` receives each device's function by name.
hw::pcie::Topology build_topology(const Scenario& sc, std::map<std::string, hw::pcie::FnId>& names);

}  // namespace atslab::io
