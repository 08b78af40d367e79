#pragma once
// drivers/pci/pci.c: a function's reset and the state saved and restored around it
// (pci_reset_function, pci_try_reset_function, pci_save_state / pci_restore_state), and the
// sysfs `reset` file. The one reset method modelled is FLR (pcie_reset_flr): a function
// without FLR in Device Capabilities has no reset method here (-ENOTTY), where the kernel
// would go on to the others (PM, secondary bus reset).
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

// pci_reset_supported(): dev->reset_methods[0] != 0, i.e. here the function advertises FLR.
bool reset_supported(const System& s, DevId dev);
// pci_reset_function: the device lock (and its upstream bridge's), save, disable, reset,
// restore. 0, -ENOTTY (no reset method), or pci_dev_reset_iommu_prepare's error.
int reset_function(System& s, DevId dev);
// pci_try_reset_function: the same, -EAGAIN when the device lock is held (vfio-pci's path).
int try_reset_function(System& s, DevId dev);
// echo 1 > /sys/bus/pci/devices/.../reset (reset_store).
int reset_store(System& s, DevId dev);

// pci_restore_state's capability steps that live in drivers/pci/iov.c.
void restore_iov_state(System& s, DevId dev);

}  // namespace atslab::pci
