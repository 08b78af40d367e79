#pragma once
// Everything the simulated Linux kernel holds, as one value.
#include <vector>

#include "base/cow_vector.h"
#include "linux/amd/driver_state.h"
#include "linux/iommu/iommu_core.h"
#include "linux/iommufd/iommufd_state.h"
#include "linux/kernel/context.h"
#include "linux/mm/mm_state.h"
#include "linux/pci/pci_dev.h"
#include "linux/smmuv3/driver_state.h"
#include "linux/vfio/vfio_state.h"
#include "linux/vtd/driver_state.h"
#include "policy/pci_switches.h"

namespace atslab {

struct Kernel {
  policy::PciCoreSwitches pci_switches;
  base::CowVector<pci::PciDev> devs;  // every pci_dev ever allocated, by DevId (copies share what they have not written)
  // The DevIds of devs not yet removed, ascending: derived from devs, kept so that the kernel's
  // lookups by address (pci_get_domain_bus_and_slot, a PF's VFs, a bridge's children) walk the
  // devices present rather than every pci_dev a long run ever allocated.
  std::vector<pci::DevId> present_devs;
  // pci_bridge_secondary_bus_reset's pci_warn_once has printed (once per boot, for every bridge).
  bool warned_unlocked_sbr = false;
  iommu::IommuCore iommu;
  smmuv3::Driver smmuv3;
  vtd::Driver vtd;
  amd::Driver amd;
  vfio::Vfio vfio;
  iommufd::Iommufd iommufd;
  mm::MmState mm;  // the processes SVA binds
  kernel::Context ctx;
  // CPUs stopped at an interleaving point while `ctx` runs another operation on its own CPU
  // (their locks are what that operation may not take); empty between operations.
  std::vector<kernel::Context> preempted;
  bool operator==(const Kernel&) const = default;
};

}  // namespace atslab
