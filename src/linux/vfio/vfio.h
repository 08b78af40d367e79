#pragma once
// VFIO's legacy container and group API (drivers/vfio/group.c, container.c) with the type1
// backend (vfio_iommu_type1.c), and vfio-pci's registration of its devices.
#include <cstdint>

#include "linux/pci/pci_dev.h"
#include "linux/vfio/vfio_state.h"

namespace atslab {
struct System;
}

namespace atslab::vfio {

// vfio-pci's probe (vfio_pci_core_register_device -> vfio_device_set_group): the device joins
// the vfio_group of its IOMMU group, created on the first device. -EINVAL when the device has
// no IOMMU group (its IOMMU probe failed, or no IOMMU translates it).
int register_group_dev(System& s, pci::DevId dev);
// vfio-pci's remove (vfio_unregister_group_dev -> vfio_device_remove_group): when the group's
// last vfio device goes, the group leaves its container and dies (an fd open on it stays, stale).
// The removal waits for the device's fds to close; the workload's user closes them when asked
// (group_device_close_all, unbind_iommufd).
void unregister_group_dev(System& s, pci::DevId dev);

ContainerId open_container(System& s);              // open("/dev/vfio/vfio")
// open("/dev/vfio/N"): the live vfio_group of the device's IOMMU group; kNone when there is
// none (no device of the group bound to vfio-pci: the node does not exist).
VfioGroupId open_group(const System& s, pci::DevId dev);
bool group_dead(const System& s, VfioGroupId g);     // its last vfio device is gone
int group_set_container(System& s, VfioGroupId g, ContainerId c);  // VFIO_GROUP_SET_CONTAINER
int set_iommu(System& s, ContainerId c);                            // VFIO_SET_IOMMU (type1)
int map_dma(System& s, ContainerId c, uint64_t iova, uint64_t paddr, uint64_t size);  // VFIO_IOMMU_MAP_DMA
int unmap_dma(System& s, ContainerId c, uint64_t iova, uint64_t size);                // VFIO_IOMMU_UNMAP_DMA
// VFIO_GROUP_UNSET_CONTAINER: -EINVAL without a container, -EBUSY while a device fd is open on
// the group (container_users != 1).
int group_unset_container(System& s, VfioGroupId g);
// VFIO_DEVICE_RESET (vfio_pci_ioctl_reset) on the device's fd, which VFIO_GROUP_GET_DEVICE_FD
// gives only to a device bound to vfio-pci whose group is in a container with an IOMMU set
// (-EINVAL otherwise, as vfio_df_group_open and vfio_group_use_container answer; -ENODEV
// without vfio-pci). -EINVAL when reset does not work for the device (vdev->reset_works);
// otherwise pci_try_reset_function's result. The fd is the one VFIO_GROUP_GET_DEVICE_FD gave
// (group_get_device_fd, whose first open resets the function) or, when the workload opened none,
// the one QEMU holds once the group has an IOMMU: the reset of that open is then not run.
int device_reset(System& s, pci::DevId dev);
// Whether the group path gives `dev` a device fd (the first checks of device_reset): 0, or
// -ENODEV (not on vfio-pci) or -EINVAL (its group in no container with an IOMMU set).
int group_device_fd(const System& s, pci::DevId dev);

}  // namespace atslab::vfio
