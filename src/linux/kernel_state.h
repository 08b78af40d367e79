#pragma once
// Everything the simulated Linux kernel holds, as one value.
#include <vector>

#include "linux/amd/driver_state.h"
#include "linux/iommu/iommu_core.h"
#include "linux/kernel/context.h"
#include "linux/pci/pci_dev.h"
#include "linux/smmuv3/driver_state.h"
#include "linux/vfio/vfio_state.h"
#include "linux/vtd/driver_state.h"
#include "policy/pci_switches.h"

namespace atslab {

struct Kernel {
  policy::PciCoreSwitches pci_switches;
  std::vector<pci::PciDev> devs;  // every pci_dev ever allocated, by DevId
  iommu::IommuCore iommu;
  smmuv3::Driver smmuv3;
  vtd::Driver vtd;
  amd::Driver amd;
  vfio::Vfio vfio;
  kernel::Context ctx;
  // CPUs stopped at an interleaving point while `ctx` runs another operation on its own CPU
  // (their locks are what that operation may not take); empty between operations.
  std::vector<kernel::Context> preempted;
  bool operator==(const Kernel&) const = default;
};

}  // namespace atslab
