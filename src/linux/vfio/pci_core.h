#pragma once
// drivers/vfio/pci/vfio_pci_core.c: what vfio-pci does to the function at the device's first
// open and last close (vfio_pci_core_enable, vfio_pci_core_disable), as far as it concerns the
// IOMMU and ATS: each resets the function, and on the 2026 core every reset parks the group's
// device on its blocking domain and attaches it back (pci_dev_reset_iommu_prepare/done), one more
// commit-time pci_enable_ats() when the device is on an ATS domain. Both paths open a device here:
// the cdev's bind and close (device_cdev.cc), the group's VFIO_GROUP_GET_DEVICE_FD and its fd's
// last close (group_device.cc).
#include <vector>

#include "linux/pci/pci_dev.h"
#include "linux/vfio/vfio_state.h"

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

// VFIO_DEVICE_PCI_HOT_RESET on `dev`'s fd (vfio_pci_ioctl_pci_hot_reset): `group_fds` are the
// group fds the user passes (hdr.count of them), none from a cdev fd, whose owner is its iommufd
// context (the workload's one). pci_reset_bus() on the device's bus, with the ioctl's checks in
// the kernel's order:
//   -EINVAL  a count where the fd is a cdev's or none where it is a group's; more fds than
//            devices the reset reaches; a device on or below the bus not in the dev_set
//            (vfio_pci_dev_set_resettable: not bound to vfio-pci); a device of the dev_set in none
//            of the groups passed, or (cdev) neither bound to the context nor in a group that has a
//            device bound to it;
//   -ENODEV  no bus reset for the device (a root bus, a VF on a virtual bus, NO_BUS_RESET);
//   -EBUSY   a device of the dev_set whose memory_lock another task holds (VFIO_DEVICE_RESET);
//   -EAGAIN  pci_reset_bus's trylock of a device lock on the bus failed;
// else pci_reset_bus's result. No IOMMU step on this path in 6.12.118 or 7.2.13.
int pci_hot_reset(System& s, pci::DevId dev, const std::vector<VfioGroupId>& group_fds);
// The vfio-pci devices of `dev`'s vfio_device_set, in the model's order of registration.
std::vector<pci::DevId> dev_set_devices(const System& s, pci::DevId dev);

}  // namespace atslab::vfio
