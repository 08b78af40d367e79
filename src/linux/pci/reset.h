#pragma once
// drivers/pci/pci.c: a function's reset and the state saved and restored around it
// (pci_reset_function, pci_try_reset_function, pci_save_state / pci_restore_state), and the
// sysfs `reset` file. The reset methods themselves (FLR, PM, the parent bus's secondary bus
// reset, in pci_reset_fn_methods[]'s order) are in linux/pci/reset_methods.h.
#include <array>
#include <cstdint>

#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

// What pci_save_state keeps for the model's functions: the header's 16 dwords and the PCI
// Express control registers pci_restore_pcie_state writes back. The kernel keeps them in the
// pci_dev (saved_config_space, the saved capability buffers); here a reset keeps them for its
// own length, and vfio-pci's close takes them just before its reset (docs/fidelity.md).
struct SavedState {
  std::array<uint32_t, 16> config{};
  uint16_t devctl = 0, lnkctl = 0, devctl2 = 0, lnkctl2 = 0;
};

// pci_save_state and pci_restore_state (PCIe control, PASID, PRI, ATS, header, ACS, SR-IOV).
SavedState save_config_state(System& s, DevId dev);
void restore_config_state(System& s, DevId dev, const SavedState& st);
// pci_dev_save_and_disable and pci_dev_restore: one function's share of a reset, the caller
// holding its device lock (a function reset's, or each function's of a bus reset).
SavedState dev_save_and_disable(System& s, DevId dev);
void dev_restore(System& s, DevId dev, const SavedState& st);
// __pci_reset_function_locked: dev->reset_methods in order, the caller holding the device lock.
// 0, -ENOTTY (no method could), or the first other error (pci_pm_reset's -EINVAL,
// pci_dev_reset_iommu_prepare's error).
int reset_function_locked(System& s, DevId dev);
// Whether pci_dev_trylock would fail: the running task holds the device lock (vfio-pci's remove,
// closing a device on the user's behalf) or another CPU, stopped at an interleaving point, does.
bool device_lock_taken(const System& s, DevId dev);

// pci_reset_supported(): dev->reset_methods[0] != 0, some method probed 0 when the function was added.
bool reset_supported(const System& s, DevId dev);
// pci_reset_function: the device lock (and its upstream bridge's), save, disable, reset,
// restore. 0, -ENOTTY (no reset method), or pci_dev_reset_iommu_prepare's error.
int reset_function(System& s, DevId dev);
// pci_try_reset_function: the same, -EAGAIN when the device lock is held (vfio-pci's path).
int try_reset_function(System& s, DevId dev);
// echo 1 > /sys/bus/pci/devices/.../reset (reset_store).
int reset_store(System& s, DevId dev);

// pci_restore_state's capability steps that live in drivers/pci/iov.c.
void restore_iov_state(System& s, DevId dev);

}  // namespace atslab::pci
