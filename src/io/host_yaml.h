#pragma once
// `atslab import`: a host as a scenario file, ready for run, stress, explore and audit.
#include <string>

#include "io/scenario.h"

namespace atslab::io {

// The scenario text for `sc` (a host_scenario): machine.lspci and machine.acpi with paths relative
// to `out_dir` (the folder the file goes to) where they can be, one machine.devices entry per device
// (address, the driver it has at boot, a comment naming it from pci.ids with its ATS and SR-IOV),
// the IOMMU placement and the notes as comments, and a workload to start from: every device with
// ATS handed to VFIO and back (a PF's first VF instead), as the seed's stress does.
std::string host_scenario_yaml(const Scenario& sc, const std::string& out_dir);

}  // namespace atslab::io
