#pragma once
// Device discovery and removal in the kernel's order (section 2.2):
//   pci_setup_device: header, set_pcie_untrusted, EARLY fixups, subsystem IDs
//   pci_device_add:   HEADER fixups, pci_init_capabilities (pci_ats_init ...),
//                     device_add -> IOMMU bus notifier -> probe_device
//   pci_bus_add_device: FINAL fixups, driver bind
// Boot-time devices are all added before any IOMMU registers, so their probe
// comes after FINAL; VFs and hot-plugged devices are probed from device_add,
// before FINAL.
#include <optional>
#include <vector>

#include "hw/pcie/function.h"
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

// Allocates a pci_dev for hardware function `fn` and runs pci_setup_device on it.
// `fill` (for VFs) presets vendor/device/physfn as pci_iov_add_virtfn does.
DevId setup_device(System& s, hw::pcie::FnId fn, DevId bus_self, const PciDev* preset = nullptr);
void device_add(System& s, DevId dev);      // pci_device_add
void bus_add_device(System& s, DevId dev);  // pci_bus_add_device
void init_capabilities(System& s, DevId dev);
void set_pcie_untrusted(System& s, DevId dev);

// Boot: scans every root complex (pci_scan_root_bus), then pci_bus_add_devices.
// IOMMUs register afterwards (iommu::register_iommu), then deferred drivers bind.
void scan_root_buses(System& s);
// The whole boot sequence: scan, bus-add, register each root complex's IOMMU, bind deferred drivers.
void boot(System& s);

// Hot-plug (pciehp): the slot's function appears, is scanned, added and bus-added.
DevId hotplug_add(System& s, hw::pcie::FnId slot_fn);
void hotplug_remove(System& s, DevId dev);

// pci_stop_and_remove_bus_device: children first, driver unbind, device_del.
void stop_and_remove_bus_device(System& s, DevId dev);
// ... under pci_rescan_remove_lock, as sysfs "remove" does it.
void stop_and_remove_bus_device_locked(System& s, DevId dev);

// Driver binding (device_attach), under the device's lock: deferred while the device's IOMMU
// has not registered; once it has (or failed to), a device whose IOMMU probe failed binds
// without one (vfio-pci refuses it: -EINVAL from vfio_device_set_group).
// Returns 0, -EPROBE_DEFER, or the driver's probe error (-EBUSY from dma_configure when the group
// has another owner).
int device_attach(System& s, DevId dev);
// device_release_driver: the driver lets go (a DMA-API driver's use of the default domain ends;
// vfio-pci's device leaves VFIO, its group the container when it was the group's last).
void device_release_driver(System& s, DevId dev);

// The live pci_dev for a hardware function, if any.
std::optional<DevId> dev_for_fn(const System& s, hw::pcie::FnId fn);
// Live devices in DevId order.
std::vector<DevId> live_devices(const System& s);

}  // namespace atslab::pci
