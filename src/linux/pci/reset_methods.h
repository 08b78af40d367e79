#pragma once
// drivers/pci/pci.c: the reset methods of pci_reset_fn_methods[], probed in their order by
// pci_init_reset_methods when the function is added and run in that order by
// __pci_reset_function_locked. Modelled: flr, pm and bus (pci_parent_bus_reset's secondary bus
// reset). device_specific (quirks.c's table), acpi (_RST), af_flr (conventional PCI's Advanced
// Features capability), cxl_bus and a hot-plug slot's reset_slot are not: each answers -ENOTTY, as
// it does on a function the model can build (no quirk-table device, no _RST, no AF or CXL port
// capability, no hot-plug controller's reset).
#include <cstdint>
#include <string_view>

#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

// Indices into pci_reset_fn_methods[]; 0 ends dev->reset_methods.
enum class ResetMethod : uint8_t { None, DeviceSpecific, Acpi, Flr, AfFlr, Pm, Bus, CxlBus };
std::string_view reset_method_name(ResetMethod m);  // the sysfs reset_method names

inline constexpr bool kResetProbe = true, kResetDoReset = false;  // PCI_RESET_PROBE, PCI_RESET_DO_RESET

// One method of the table: with `probe`, 0 when the method can reset the function, -ENOTTY when it
// cannot; otherwise the reset's result (-ENOTTY: try the next method).
int reset_fn_method(System& s, DevId dev, ResetMethod m, bool probe);

// pcie_reset_flr: FLR in Device Capabilities, then pcie_flr.
int pcie_reset_flr(System& s, DevId dev, bool probe);
// pci_pm_reset: no PM capability or PCI_DEV_FLAGS_NO_PM_RESET, or NoSoftRst set: -ENOTTY; not in
// D0: -EINVAL; then D3hot, the wait, D0, the wait (the D3hot -> D0 transition resets the function).
int pci_pm_reset(System& s, DevId dev, bool probe);
// pci_reset_bus_function: a hot-plug slot's reset (not modelled), then pci_parent_bus_reset.
int pci_reset_bus_function(System& s, DevId dev, bool probe);
// pci_parent_bus_reset: -ENOTTY on a root bus, for a bridge, with PCI_DEV_FLAGS_NO_BUS_RESET, or
// when any other device shares the bus; else the parent bridge's secondary bus reset.
int pci_parent_bus_reset(System& s, DevId dev, bool probe);
// pci_bridge_secondary_bus_reset: Secondary Bus Reset asserted and released on `bridge`.
int pci_bridge_secondary_bus_reset(System& s, DevId bridge);

// pci_init_reset_methods: dev->reset_methods from the probes, in the table's order.
void init_reset_methods(System& s, DevId dev);
// pci_pm_init: dev->pm_cap; the 2026 core then puts the function in D0 (see reset_methods.cc).
void pm_init(System& s, DevId dev);
// pci_set_power_state(dev, PCI_D0) as pci_dev_save_and_disable calls it: a function believed or
// found in D3hot is written to D0 (which resets it when NoSoftRst is clear).
void set_power_state_d0(System& s, DevId dev);

}  // namespace atslab::pci
