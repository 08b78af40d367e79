#include "linux/pci/reset_bus.h"

#include <list>
#include <utility>

#include "hw/pcie/regs.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/reset.h"
#include "linux/pci/reset_methods.h"
#include "linux/system.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;
namespace hdr = hw::pcie::hdr;

namespace {

bool listed(const PciDev& d) { return d.state == DevState::Added || d.state == DevState::BusAdded; }
// dev->subordinate: every bridge the model builds has its secondary bus.
bool has_subordinate(const PciDev& d) { return d.hdr_type == hdr::kTypeBridge; }

// pci_bus_resettable: the bridge's flag, each device's, each subordinate bus's.
bool bus_resettable(const System& s, DevId bridge) {
  if (pdev(s, bridge).dev_flags & kDevFlagsNoBusReset) return false;
  for (const DevId d : bus_devices(s, bridge)) {
    if (pdev(s, d).dev_flags & kDevFlagsNoBusReset) return false;
    if (has_subordinate(pdev(s, d)) && !bus_resettable(s, d)) return false;
  }
  return true;
}

// The devices pci_bus_trylock takes, top down: the bridge, then each device on the bus, a
// bridge's subordinate bus in its place (that bus's bridge first, as __pci_bus_trylock does).
void lock_order(const System& s, DevId bridge, std::vector<DevId>& out) {
  out.push_back(bridge);
  for (const DevId d : bus_devices(s, bridge)) {
    if (has_subordinate(pdev(s, d)))
      lock_order(s, d, out);
    else
      out.push_back(d);
  }
}

using Saved = std::vector<std::pair<DevId, SavedState>>;

// pci_bus_save_and_disable_locked: each device, then the bus below it, top down.
void bus_save_and_disable_locked(System& s, DevId bridge, Saved& saved) {
  Frame f(s, KFn::pci_bus_save_and_disable_locked);
  for (const DevId d : bus_devices(s, bridge)) {
    saved.emplace_back(d, dev_save_and_disable(s, d));
    if (has_subordinate(pdev(s, d))) bus_save_and_disable_locked(s, d, saved);
  }
}

// pci_bus_restore_locked: each device, then (once the link below is back,
// pci_bridge_wait_for_secondary_bus: at once in the model) the bus below it. The list is walked
// again: a VF that VF Enable's restore brought back is the pci_dev it was.
void bus_restore_locked(System& s, DevId bridge, const Saved& saved) {
  Frame f(s, KFn::pci_bus_restore_locked);
  for (const DevId d : bus_devices(s, bridge)) {
    for (const auto& [dev, st] : saved)
      if (dev == d) dev_restore(s, d, st);
    if (has_subordinate(pdev(s, d))) bus_restore_locked(s, d, saved);
  }
}

// pci_try_reset_bus.
int try_reset_bus(System& s, DevId bridge) {
  Frame f(s, KFn::pci_try_reset_bus);
  if (const int rc = pci_probe_reset_bus(s, bridge)) return rc;
  // pci_bus_trylock: pci_dev_trylock (device lock and config access) on each, unwinding on the
  // first that is taken. A container's unmap, a device's DMA and the IOMMU's invalidations take
  // none of them: they run on during the reset.
  std::vector<DevId> order;
  lock_order(s, bridge, order);
  for (const DevId d : order)
    if (device_lock_taken(s, d)) return -EAGAIN;
  std::list<kernel::LockGuard> locks;
  for (const DevId d : order) locks.emplace_back(s, kernel::LockClass::device_lock, d);
  Saved saved;
  bus_save_and_disable_locked(s, bridge, saved);
  // No pci_dev_reset_iommu_prepare for any of them (6.12.118 and 7.2.13 alike): each stays on its
  // domain, ATS on as the driver believes, while the reset clears its ATS Enable and empties its ATC.
  const int rc = pci_bridge_secondary_bus_reset(s, bridge);
  bus_restore_locked(s, bridge, saved);
  return rc;
}

}  // namespace

DevId bus_self(const System& s, DevId dev) {
  const PciDev& d = pdev(s, dev);
  if (d.bus_self == kNoDev) return kNoDev;
  if (d.is_virtfn && d.bdf.bus != pdev(s, d.physfn).bdf.bus) return kNoDev;
  return d.bus_self;
}

std::vector<DevId> bus_devices(const System& s, DevId bridge) {
  std::vector<DevId> out;
  if (bridge == kNoDev) return out;
  for (const DevId d : s.kernel.present_devs)  // ascending DevId: pci_device_add's order
    if (listed(pdev(s, d)) && bus_self(s, d) == bridge) out.push_back(d);
  return out;
}

std::vector<DevId> walk_bus(const System& s, DevId bridge) {
  std::vector<DevId> out;
  for (const DevId d : bus_devices(s, bridge)) {
    out.push_back(d);
    if (has_subordinate(pdev(s, d)))
      for (const DevId below : walk_bus(s, d)) out.push_back(below);
  }
  return out;
}

int pci_probe_reset_slot(const System&, DevId) { return -ENOTTY; }

int pci_probe_reset_bus(const System& s, DevId bridge) {
  if (bridge == kNoDev || !bus_resettable(s, bridge)) return -ENOTTY;
  return 0;
}

int pci_reset_bus(System& s, DevId dev) {
  Frame f(s, KFn::pci_reset_bus);
  // !pci_probe_reset_slot(pdev->slot) ? pci_try_reset_slot(pdev->slot) : pci_try_reset_bus(pdev->bus)
  if (!pci_probe_reset_slot(s, dev)) return -ENOTTY;  // not reached: no slot reset is modelled
  return try_reset_bus(s, bus_self(s, dev));
}

}  // namespace atslab::pci
