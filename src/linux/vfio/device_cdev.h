#pragma once
// VFIO's device cdev path (drivers/vfio/device_cdev.c, drivers/vfio/iommufd.c): a vfio-pci
// device opened through /dev/vfio/devices/vfioN and bound to an iommufd context, attached to
// and detached from its HWPTs through the device fd. Each ioctl runs under the device's
// vfio_device_set lock, as vfio_df_ioctl_* take it.
#include "linux/iommufd/iommufd_state.h"
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::vfio {

// The vfio_device_set a vfio-pci device joins (vfio_pci_core_register_device): its own on a root
// bus, otherwise its bus's (a slot reset is not modelled: every function of a bus shares one set).
uint32_t dev_set_of(const System& s, pci::DevId dev);

// VFIO_DEVICE_BIND_IOMMUFD on a freshly opened cdev fd. -ENODEV unless vfio-pci drives the
// device (no cdev); -EBUSY while its vfio_group is in use through the group path
// (vfio_device_block_group: here, in a container); -EINVAL when this device's cdev is bound
// already; otherwise iommufd_device_bind's result (via vfio_iommufd_physical_bind), then the
// reset of vfio_pci_core_enable (its -EAGAIN undoes the bind).
int bind_iommufd(System& s, pci::DevId dev, iommufd::CtxId ictx);
// close() of the bound fd (vfio_df_unbind_iommufd): vfio_pci_core_disable's reset, then
// vfio_iommufd_physical_unbind: the fd's PASIDs detached (lowest first), the RID detached if
// attached, iommufd_device_unbind (ownership released: the default domain). Nothing when the
// device is not bound.
void unbind_iommufd(System& s, pci::DevId dev);
// VFIO_DEVICE_ATTACH_IOMMUFD_PT with a HWPT id (vfio_iommufd_physical_attach_ioas): a replace
// when the device is attached already, an attach otherwise. -EINVAL on an fd not bound (no access).
int attach_pt(System& s, pci::DevId dev, iommufd::HwptId hwpt);
// VFIO_DEVICE_DETACH_IOMMUFD_PT: back to the blocking domain; 0 even when not attached.
int detach_pt(System& s, pci::DevId dev);
// VFIO_DEVICE_ATTACH_IOMMUFD_PT with VFIO_DEVICE_ATTACH_PASID (vfio-pci's pasid_attach_ioas,
// vfio_iommufd_physical_pasid_attach_ioas): a replace when `pasid` is in the fd's vdev->pasids,
// otherwise the PASID reserved there and iommufd_device_attach(idev, pasid) (released again on a
// failure). -EINVAL on an fd not bound.
int pasid_attach_pt(System& s, pci::DevId dev, iommufd::HwptId hwpt, uint32_t pasid);
// VFIO_DEVICE_DETACH_IOMMUFD_PT with VFIO_DEVICE_DETACH_PASID: iommufd_device_detach(idev, pasid)
// when the fd attached `pasid`; 0 either way (-EINVAL on an fd not bound).
int pasid_detach_pt(System& s, pci::DevId dev, uint32_t pasid);
// The iommufd device a bound cdev holds (kNone when not bound).
iommufd::IdevId cdev_idev(const System& s, pci::DevId dev);

}  // namespace atslab::vfio
