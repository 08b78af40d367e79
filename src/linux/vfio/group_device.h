#pragma once
// The group path's device fd (drivers/vfio/group.c, vfio_main.c): VFIO_GROUP_GET_DEVICE_FD on a
// group fd and the close() of the fd it gives. The device's first open takes a container user
// (vfio_group_use_container) and runs vfio-pci's open_device, whose vfio_pci_core_enable resets
// the function; its last close runs close_device first, whose vfio_pci_core_disable resets it
// again while the group is still on the container's domain, and only then gives the container
// user back. On the 2026 core each of those resets parks the device on its group's blocking
// domain and attaches it back (pci_dev_reset_iommu_prepare/done): at the close, back to type1's
// paging domain, one more commit-time pci_enable_ats().
#include <cstdint>

#include "linux/pci/pci_dev.h"
#include "linux/vfio/vfio_state.h"

namespace atslab {
struct System;
}

namespace atslab::vfio {

// VFIO_GROUP_GET_DEVICE_FD for `dev` on group `g`'s fd: 0 for the new fd, or
//   -ENODEV  `dev` is not a vfio device of the group (vfio_device_get_from_name: not bound to
//            vfio-pci, or in another IOMMU group);
//   -EINVAL  the group is in no container (vfio_df_group_open: !vfio_group_has_iommu), or, at
//            the device's first open, its container has no IOMMU set (vfio_group_use_container);
//   -EAGAIN  the first open's reset found the device lock taken (vfio_pci_core_enable).
// A device open already is opened again without anything else (open_count: the group path allows
// it, the cdev path does not).
int group_get_device_fd(System& s, VfioGroupId g, pci::DevId dev);
// close() of one of `dev`'s group-path fds (vfio_device_fops_release -> vfio_df_group_close).
// -EBADF when the device has none open; otherwise 0, the last close resetting the function
// (vfio_pci_core_disable) and then giving its container user back.
int group_device_release(System& s, pci::DevId dev);
// How many of `dev`'s group-path fds are open (its vfio_device's open_count on that path).
uint32_t group_device_open_count(const System& s, pci::DevId dev);
// vfio-pci's remove waits for the device's users to go, asking them through the driver's request
// callback; the workload's user answers by closing every fd it holds on the device. The remover
// holds the device lock, so the last close's reset is skipped (pci_dev_trylock fails).
void group_device_close_all(System& s, pci::DevId dev);

}  // namespace atslab::vfio
