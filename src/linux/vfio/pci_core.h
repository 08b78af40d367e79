#pragma once
// drivers/vfio/pci/vfio_pci_core.c: what vfio-pci does to the function at the device's first
// open and last close (vfio_pci_core_enable, vfio_pci_core_disable), as far as it concerns the
// IOMMU and ATS: each resets the function, and on the 2026 core every reset parks the group's
// device on its blocking domain and attaches it back (pci_dev_reset_iommu_prepare/done), one more
// commit-time pci_enable_ats() when the device is on an ATS domain. Both paths open a device here:
// the cdev's bind and close (device_cdev.cc), the group's VFIO_GROUP_GET_DEVICE_FD and its fd's
// last close (group_device.cc).
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::vfio {

// vfio_pci_core_enable's reset: pci_try_reset_function. -EAGAIN (another CPU holds the device
// lock) fails the open; any other result only decides `reset_works` (-ENOTTY: no reset method).
int pci_core_enable(System& s, pci::DevId dev, bool& reset_works);
// vfio_pci_core_disable's reset: INTx disabled, then, when the open's reset worked and both the
// upstream bridge's and the device's locks are free (pci_dev_trylock), __pci_reset_function_locked;
// then pci_restore_state of the state the open saved.
void pci_core_disable(System& s, pci::DevId dev, bool reset_works);

}  // namespace atslab::vfio
