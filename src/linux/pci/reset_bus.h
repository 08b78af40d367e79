#pragma once
// drivers/pci/pci.c: the reset of a whole bus that pci_reset_bus() gives vfio-pci's
// VFIO_DEVICE_PCI_HOT_RESET (pci_probe_reset_bus, pci_try_reset_bus): every device on the bus
// and below it locked by trylock, saved and disabled from the top down, the bridge's Secondary
// Bus Reset, each restored from the top down. Unlike the reset methods of one function
// (linux/pci/reset_methods.h), neither 6.12.118 nor 7.2.13 calls pci_dev_reset_iommu_prepare or
// _done on this path: the functions stay attached to their domains through the reset.
// A hot-plug slot's reset (pci_probe_reset_slot, pci_try_reset_slot) is not modelled: no slot
// the model builds has a reset_slot, so pci_reset_bus always takes the bus.
#include <vector>

#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

// dev->bus->self, kNoDev for a root bus and for the virtual bus a VF lands on past its PF's
// (virtfn_add_bus: pci_add_new_bus with no bridge). A bus is named by its bridge here.
DevId bus_self(const System& s, DevId dev);
// bus->devices in pci_device_add's order: the listed functions whose bus is `bridge`'s
// secondary bus (devices below a bridge among them are reached through dev->subordinate).
std::vector<DevId> bus_devices(const System& s, DevId bridge);
// pci_walk_bus(bus): every device on the bus, and below each bridge on it, depth first.
std::vector<DevId> walk_bus(const System& s, DevId bridge);

// pci_probe_reset_slot(dev->slot): -ENOTTY (no slot reset modelled).
int pci_probe_reset_slot(const System& s, DevId dev);
// pci_probe_reset_bus(bus): -ENOTTY on a root (or virtual) bus and when the bridge or any device
// on or below the bus has PCI_DEV_FLAGS_NO_BUS_RESET (pci_bus_resettable); else 0.
int pci_probe_reset_bus(const System& s, DevId bridge);
// pci_reset_bus(pdev): pci_try_reset_bus(pdev->bus). The probe's -ENOTTY; -EAGAIN when any
// device lock of the bridge, the bus or below it is taken (pci_bus_trylock); else the Secondary
// Bus Reset's 0, each device saved before and restored after.
int pci_reset_bus(System& s, DevId pdev);

}  // namespace atslab::pci
