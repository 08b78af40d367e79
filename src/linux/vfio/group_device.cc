#include "linux/vfio/group_device.h"

#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"
#include "linux/vfio/device_cdev.h"
#include "linux/vfio/pci_core.h"
#include "linux/vfio/vfio.h"

namespace atslab::vfio {

using kernel::Frame;
using kernel::KFn;
using kernel::LockClass;
using kernel::LockGuard;

namespace {
// The device's open on its live vfio_group, if any. No reference into the groups is kept across a
// reset: another CPU's operation may run inside it (at an interleaving point).
const GroupDeviceOpen* opened(const System& s, VfioGroupId g, pci::DevId dev) {
  if (g == kNone) return nullptr;
  const auto& o = s.kernel.vfio.groups[g].opened;
  auto it = o.find(dev);
  return it == o.end() ? nullptr : &it->second;
}
}  // namespace

int group_get_device_fd(System& s, VfioGroupId g, pci::DevId dev) {
  Frame f(s, KFn::vfio_group_fops_unl_ioctl);
  Frame h(s, KFn::vfio_group_ioctl_get_device_fd);
  // vfio_device_get_from_name walks the group's device_list: vfio-pci's devices of this group.
  const pci::PciDev& d = s.kernel.devs.at(dev);
  if (!d.driver_bound || d.driver != pci::DriverKind::VfioPci) return -ENODEV;
  if (group_dead(s, g) || iommu::group_of(s, dev) != s.kernel.vfio.groups.at(g).group) return -ENODEV;
  Frame o(s, KFn::vfio_df_group_open);
  LockGuard group_lock(s, LockClass::vfio_group_group_lock, g);
  const ContainerId c = s.kernel.vfio.groups[g].container;
  if (c == kNone) return -EINVAL;  // !vfio_group_has_iommu: no container (nor iommufd) set
  LockGuard set_lock(s, LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  // vfio_df_open: only the first open reaches the driver.
  if (opened(s, g, dev)) {
    s.kernel.vfio.groups[g].opened.at(dev).open_count++;
    return 0;
  }
  // vfio_df_device_first_open -> vfio_device_group_use_iommu -> vfio_group_use_container: a
  // container whose VFIO_SET_IOMMU has not been done gives no device fd.
  if (!s.kernel.vfio.containers.at(c).type1) return -EINVAL;
  s.kernel.vfio.groups[g].opened[dev] = {.open_count = 1, .reset_works = false};
  // open_device: vfio_pci_core_enable's reset, with the group on the container's domain; its
  // -EAGAIN undoes the open (vfio_device_group_unuse_iommu, open_count back to 0).
  bool reset_works = false;
  if (const int ret = pci_core_enable(s, dev, reset_works)) {
    s.kernel.vfio.groups[g].opened.erase(dev);
    return ret;
  }
  s.kernel.vfio.groups[g].opened.at(dev).reset_works = reset_works;
  return 0;
}

int group_device_release(System& s, pci::DevId dev) {
  const VfioGroupId g = open_group(s, dev);
  const GroupDeviceOpen* o = opened(s, g, dev);
  if (!o) return -EBADF;
  Frame f(s, KFn::vfio_device_fops_release);
  Frame h(s, KFn::vfio_df_group_close);
  LockGuard group_lock(s, LockClass::vfio_group_group_lock, g);
  LockGuard set_lock(s, LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  if (o->open_count > 1) {
    s.kernel.vfio.groups[g].opened.at(dev).open_count--;
    return 0;
  }
  // vfio_df_device_last_close: close_device first, whose vfio_pci_core_disable resets the
  // function while its group is still attached to type1's domain, then
  // vfio_device_group_unuse_iommu (the container user goes; the group stays in the container).
  pci_core_disable(s, dev, o->reset_works);
  s.kernel.vfio.groups[g].opened.erase(dev);
  return 0;
}

uint32_t group_device_open_count(const System& s, pci::DevId dev) {
  const GroupDeviceOpen* o = opened(s, open_group(s, dev), dev);
  return o ? o->open_count : 0;
}

void group_device_close_all(System& s, pci::DevId dev) {
  while (group_device_open_count(s, dev)) group_device_release(s, dev);
}

}  // namespace atslab::vfio
