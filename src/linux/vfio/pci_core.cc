#include "linux/vfio/pci_core.h"

#include <algorithm>
#include <list>
#include <optional>

#include "hw/pcie/regs.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/reset.h"
#include "linux/pci/reset_bus.h"
#include "linux/system.h"
#include "linux/vfio/device_cdev.h"
#include "linux/vfio/vfio.h"

namespace atslab::vfio {

using kernel::Frame;
using kernel::KFn;

int pci_core_enable(System& s, pci::DevId dev, bool& reset_works) {
  Frame f(s, KFn::vfio_pci_core_enable);
  // "If reset fails because of the device lock, fail this path entirely."
  const int ret = pci::try_reset_function(s, dev);
  if (ret == -EAGAIN) return ret;
  reset_works = ret == 0;
  return 0;
}

void pci_core_disable(System& s, pci::DevId dev, bool reset_works) {
  Frame f(s, KFn::vfio_pci_core_disable);
  // pci_load_and_free_saved_state: the state vfio_pci_core_enable saved after its reset. Nothing
  // the model runs writes the saved registers while the device is open, so the state now is that
  // state (docs/fidelity.md).
  const pci::SavedState saved = pci::save_config_state(s, dev);
  // "Disable INTx and MSI, presumably to avoid spurious interrupts during reset."
  pci::write_config_word(s, dev, hw::pcie::hdr::kCommand, hw::pcie::hdr::kCommandIntxDisable);
  if (reset_works) {
    // Not the "try" interface, which would overwrite the state just loaded: the locks are tried
    // by hand, the bridge's first, and a reset whose lock is taken is skipped.
    const pci::DevId bridge = s.kernel.devs.at(dev).bus_self;  // pci_upstream_bridge
    if (bridge == pci::kNoDev || !pci::device_lock_taken(s, bridge)) {
      std::optional<kernel::LockGuard> bridge_lock;
      if (bridge != pci::kNoDev) bridge_lock.emplace(s, kernel::LockClass::device_lock, bridge);
      if (!pci::device_lock_taken(s, dev)) {
        kernel::LockGuard lock(s, kernel::LockClass::device_lock, dev);
        pci::reset_function_locked(s, dev);
      }
    }
  }
  pci::restore_config_state(s, dev, saved);
}

namespace {

bool vfio_pci_bound(const pci::PciDev& d) {
  return (d.state == pci::DevState::Added || d.state == pci::DevState::BusAdded) && d.driver_bound &&
         d.driver == pci::DriverKind::VfioPci;
}

// vfio_iommufd_get_dev_id(vdev, ictx) > 0 || == -ENOENT: the device bound to the context, or a
// member of an IOMMU group with a device bound to it (one iommufd context per workload).
bool owned_by_ictx(const System& s, pci::DevId dev) {
  if (s.kernel.vfio.cdevs.contains(dev)) return true;
  const iommu::GroupId g = iommu::group_of(s, dev);
  if (g == iommu::kNoGroup) return false;
  for (const auto& [other, binding] : s.kernel.vfio.cdevs)
    if (iommu::group_of(s, other) == g) return true;
  return false;
}

// vfio_pci_dev_set_hot_reset.
int dev_set_hot_reset(System& s, pci::DevId dev, const std::vector<VfioGroupId>* groups) {
  Frame f(s, KFn::vfio_pci_dev_set_hot_reset);
  kernel::LockGuard set_lock(s, kernel::LockClass::vfio_dev_set_lock, dev_set_of(s, dev));
  const std::vector<pci::DevId> set = dev_set_devices(s, dev);
  // vfio_pci_dev_set_resettable: the first device's bus can be reset, and every device the reset
  // reaches is in the dev_set, so that no driver outside vfio-pci has a device reset under it.
  const pci::DevId first = set.front();
  const pci::DevId bus = pci::bus_self(s, first);
  if (pci::pci_probe_reset_slot(s, first) && pci::pci_probe_reset_bus(s, bus)) return -EINVAL;
  for (const pci::DevId d : pci::walk_bus(s, bus))
    if (std::find(set.begin(), set.end(), d) == set.end()) return -EINVAL;
  // vfio_pci_dev_set_pm_runtime_get: the model's functions are never runtime suspended.
  std::list<kernel::LockGuard> memory_locks;
  for (const pci::DevId d : set) {
    // Whether the user may reset every device: each in one of the groups passed (vfio_dev_in_groups)
    // or owned by the cdev's iommufd context.
    const bool owned = groups ? std::find(groups->begin(), groups->end(), open_group(s, d)) != groups->end()
                              : owned_by_ictx(s, d);
    if (!owned) return -EINVAL;
    // down_write_trylock(&vdev->memory_lock), then vfio_pci_zap_bars: a trylock, since taking
    // several devices' locks could deadlock; the first one taken elsewhere fails the ioctl.
    const kernel::HeldLock memory_lock{kernel::LockClass::vfio_pci_memory_lock, d};
    bool taken = false;
    for (const kernel::HeldLock& h : kernel::held_locks(s)) taken |= kernel::conflicts(h, memory_lock);
    for (const kernel::Context& c : s.kernel.preempted)
      for (const kernel::HeldLock& h : c.held) taken |= kernel::conflicts(h, memory_lock);
    if (taken) return -EBUSY;
    memory_locks.emplace_back(s, kernel::LockClass::vfio_pci_memory_lock, d);
  }
  // vfio_pci_set_power_state(vdev, PCI_D0) for each: the model's vfio devices are in D0.
  return pci::pci_reset_bus(s, first);
}

}  // namespace

std::vector<pci::DevId> dev_set_devices(const System& s, pci::DevId dev) {
  std::vector<pci::DevId> out;
  const uint32_t set = dev_set_of(s, dev);
  for (const pci::DevId d : s.kernel.present_devs)
    if (vfio_pci_bound(s.kernel.devs.at(d)) && dev_set_of(s, d) == set) out.push_back(d);
  return out;
}

int pci_hot_reset(System& s, pci::DevId dev, const std::vector<VfioGroupId>& group_fds) {
  Frame f(s, KFn::vfio_pci_ioctl_pci_hot_reset);
  // A group fd array from a group-path fd, none from a cdev fd.
  if (!group_fds.empty() == s.kernel.vfio.cdevs.contains(dev)) return -EINVAL;
  // A slot reset if the slot has one, else the bus's; neither: -ENODEV.
  const pci::DevId bus = pci::bus_self(s, dev);
  if (!pci::pci_probe_reset_slot(s, dev)) {
    // not reached: no slot reset is modelled
  } else if (pci::pci_probe_reset_bus(s, bus)) {
    return -ENODEV;
  }
  if (group_fds.empty()) return dev_set_hot_reset(s, dev, nullptr);
  // vfio_pci_ioctl_pci_hot_reset_groups: no more fds than devices the reset reaches (one group per
  // device at most); each fd a vfio group's (the workload passes only its group fds).
  if (group_fds.size() > pci::walk_bus(s, bus).size()) return -EINVAL;
  return dev_set_hot_reset(s, dev, &group_fds);
}

}  // namespace atslab::vfio
