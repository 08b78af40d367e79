#pragma once
// The IOMMU core's side of device discovery: iommu_device_register's
// bus_iommu_probe for boot-time devices, and the bus notifier that probes
// devices added later (VFs, hot-plug) from inside device_add().
#include "hw/pcie/function.h"
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::iommu {

// iommu_device_register() + bus_iommu_probe(): every device already added behind `rc` is probed.
// When a device's probe fails with anything but -ENODEV, the core unregisters the IOMMU again
// (register_failed_for), releasing the devices it had probed.
void register_iommu(System& s, hw::pcie::RcId rc);
bool registered_for(const System& s, pci::DevId dev);
bool register_failed_for(const System& s, pci::DevId dev);

// BUS_NOTIFY_ADD_DEVICE / BUS_NOTIFY_REMOVED_DEVICE.
void bus_notify_add(System& s, pci::DevId dev);
void bus_notify_del(System& s, pci::DevId dev);

int probe_device(System& s, pci::DevId dev);
void release_device(System& s, pci::DevId dev);

}  // namespace atslab::iommu
