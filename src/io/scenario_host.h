#pragma once
// A scenario's machine from a host's own files (`machine.lspci`, `machine.acpi`): the dumps'
// hierarchy, the IOMMUs the firmware tables put it behind, and the devices a workload can name.
#include <string>
#include <vector>

#include "io/scenario.h"

namespace atslab::io {

// Reads the dumps and tables and builds the hierarchy. Without tables every root complex is behind
// an IOMMU of `iommu`'s kind (its own), with `rc_ats` for its ATS attribute. Throws InputError.
HostMachine build_host(const std::vector<std::string>& lspci, const std::vector<std::string>& acpi,
                       hw::pcie::IommuKind iommu, bool rc_ats);

// Every endpoint of the host (not a bridge, not a VF) as a device: named by its address
// ("0000:3b:00.0") unless `names` has it, its SR-IOV capability read from its config space.
struct HostName {
  hw::pcie::Bdf at;
  std::string name, driver;
};
std::vector<DeviceSpec> host_devices(const HostMachine& h, const std::vector<HostName>& names);

// A scenario of the host alone (`atslab audit --lspci`, `atslab import`): its devices named by
// address, every variant, no workload. `name` is the scenario's name and path.
Scenario host_scenario(HostMachine h, const std::string& name);

// One SMMU spec per root complex behind an SMMUv3 (`sc.smmus` holds one for all, or one each).
// Returns "" or what is wrong.
std::string spread_smmu_specs(Scenario& sc);

// The function of the host at `at` that can be a device ("" when it can; else why not).
std::string host_device_problem(const HostMachine& h, hw::pcie::Bdf at);

}  // namespace atslab::io
