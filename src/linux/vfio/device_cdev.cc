#include "linux/vfio/device_cdev.h"

#include <algorithm>

#include "linux/iommu/iommu.h"
#include "linux/iommufd/iommufd.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"
#include "linux/vfio/pci_core.h"
#include "linux/vfio/vfio.h"

namespace atslab::vfio {

using kernel::Frame;
using kernel::KFn;
using kernel::LockClass;
using kernel::LockGuard;

uint32_t dev_set_of(const System& s, pci::DevId dev) {
  const pci::PciDev& d = s.kernel.devs.at(dev);
  if (d.bus_self == pci::kNoDev) return 0x80000000u | dev;  // vfio_assign_device_set(vdev, vdev)
  return (uint32_t{d.bdf.domain} << 8) | d.bdf.bus;          // ... (vdev, pdev->bus)
}

iommufd::IdevId cdev_idev(const System& s, pci::DevId dev) {
  auto it = s.kernel.vfio.cdevs.find(dev);
  return it == s.kernel.vfio.cdevs.end() ? iommufd::kNone : it->second.idev;
}

int bind_iommufd(System& s, pci::DevId dev, iommufd::CtxId ictx) {
  const pci::PciDev& d = s.kernel.devs.at(dev);
  if (!d.driver_bound || d.driver != pci::DriverKind::VfioPci) return -ENODEV;
  Frame f(s, KFn::vfio_df_ioctl_bind_iommufd);
  // vfio_device_block_group: the group path and the cdev path exclude each other.
  const VfioGroupId g = open_group(s, dev);
  if (g != kNone && s.kernel.vfio.groups[g].container != kNone) return -EBUSY;
  LockGuard lock(s, LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  if (s.kernel.vfio.cdevs.contains(dev)) return -EINVAL;  // one device cannot be bound twice
  // vfio_df_open, the first open: vfio_df_iommufd_bind (DMA ownership: the blocking domain), then
  // open_device, whose vfio_pci_core_enable resets the function; its failure undoes the bind.
  const int64_t idev = iommufd::device_bind(s, ictx, dev);
  if (idev < 0) return static_cast<int>(idev);
  bool reset_works = false;
  if (const int ret = pci_core_enable(s, dev, reset_works)) {
    iommufd::device_unbind(s, static_cast<iommufd::IdevId>(idev));
    return ret;
  }
  s.kernel.vfio.cdevs[dev] = {.idev = static_cast<iommufd::IdevId>(idev), .iommufd_attached = false, .reset_works = reset_works};
  return 0;
}

void unbind_iommufd(System& s, pci::DevId dev) {
  if (!s.kernel.vfio.cdevs.contains(dev)) return;  // !df->access_granted
  Frame f(s, KFn::vfio_df_unbind_iommufd);
  LockGuard lock(s, LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  const CdevBinding b = s.kernel.vfio.cdevs.at(dev);
  // vfio_df_device_last_close: close_device first (vfio_pci_core_disable resets the function while
  // it is still on its HWPT: on the 2026 core a blocked attach and an attach back), then
  // vfio_iommufd_physical_unbind: detach, then unbind.
  pci_core_disable(s, dev, b.reset_works);
  for (uint32_t pasid : b.pasids) iommufd::device_detach(s, b.idev, pasid);  // ida_find_first: lowest first
  if (b.iommufd_attached) iommufd::device_detach(s, b.idev);
  iommufd::device_unbind(s, b.idev);
  s.kernel.vfio.cdevs.erase(dev);
}

int attach_pt(System& s, pci::DevId dev, iommufd::HwptId hwpt) {
  if (!s.kernel.vfio.cdevs.contains(dev)) return -EINVAL;  // vfio_device_fops_unl_ioctl: no access granted
  Frame f(s, KFn::vfio_df_ioctl_attach_pt);
  LockGuard lock(s, LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  Frame g(s, KFn::vfio_iommufd_physical_attach_ioas);
  const CdevBinding b = s.kernel.vfio.cdevs.at(dev);
  const int ret = b.iommufd_attached ? iommufd::device_replace(s, b.idev, hwpt) : iommufd::device_attach(s, b.idev, hwpt);
  if (ret) return ret;
  s.kernel.vfio.cdevs.at(dev).iommufd_attached = true;
  return 0;
}

int detach_pt(System& s, pci::DevId dev) {
  if (!s.kernel.vfio.cdevs.contains(dev)) return -EINVAL;
  Frame f(s, KFn::vfio_df_ioctl_detach_pt);
  LockGuard lock(s, LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  Frame g(s, KFn::vfio_iommufd_physical_detach_ioas);
  if (!s.kernel.vfio.cdevs.at(dev).iommufd_attached) return 0;
  iommufd::device_detach(s, s.kernel.vfio.cdevs.at(dev).idev);
  s.kernel.vfio.cdevs.at(dev).iommufd_attached = false;
  return 0;
}

int pasid_attach_pt(System& s, pci::DevId dev, iommufd::HwptId hwpt, uint32_t pasid) {
  if (!s.kernel.vfio.cdevs.contains(dev)) return -EINVAL;
  // The flag is accepted: vfio-pci's ops have pasid_attach_ioas (no -EOPNOTSUPP).
  Frame f(s, KFn::vfio_df_ioctl_attach_pt);
  LockGuard lock(s, LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  Frame g(s, KFn::vfio_iommufd_physical_pasid_attach_ioas);
  const CdevBinding b = s.kernel.vfio.cdevs.at(dev);
  if (std::binary_search(b.pasids.begin(), b.pasids.end(), pasid)) return iommufd::device_replace(s, b.idev, hwpt, pasid);
  // ida_alloc_range(&vdev->pasids, pasid, pasid), then the attach; its failure frees the PASID.
  if (const int ret = iommufd::device_attach(s, b.idev, hwpt, pasid)) return ret;
  auto& pasids = s.kernel.vfio.cdevs.at(dev).pasids;
  pasids.insert(std::upper_bound(pasids.begin(), pasids.end(), pasid), pasid);
  return 0;
}

int pasid_detach_pt(System& s, pci::DevId dev, uint32_t pasid) {
  if (!s.kernel.vfio.cdevs.contains(dev)) return -EINVAL;
  Frame f(s, KFn::vfio_df_ioctl_detach_pt);
  LockGuard lock(s, LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  Frame g(s, KFn::vfio_iommufd_physical_pasid_detach_ioas);
  auto& pasids = s.kernel.vfio.cdevs.at(dev).pasids;
  if (!std::binary_search(pasids.begin(), pasids.end(), pasid)) return 0;  // !ida_exists
  iommufd::device_detach(s, s.kernel.vfio.cdevs.at(dev).idev, pasid);
  std::erase(s.kernel.vfio.cdevs.at(dev).pasids, pasid);
  return 0;
}

}  // namespace atslab::vfio
