#include "linux/pci/reset_methods.h"

#include <array>
#include <fmt/format.h>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "linux/iommu/reset.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/preempt.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/reset_bus.h"
#include "linux/system.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;
namespace exp = hw::pcie::exp;
namespace hdr = hw::pcie::hdr;
namespace pm = hw::pcie::pm;

namespace {

// The 2026 core's wrapping of a method's reset: pci_dev_reset_iommu_prepare first, its failure
// logged and returned (the reset refused, __pci_reset_function_locked stopping there).
int reset_iommu_prepare(System& s, DevId dev) {
  const int ret = iommu::pci_dev_reset_iommu_prepare(s, dev);
  if (ret) kernel::dev_err(s, dev, fmt::format("failed to stop IOMMU for a PCI reset: {}", ret));
  return ret;
}

int pcie_flr(System& s, DevId dev) {
  Frame f(s, KFn::pcie_flr);
  // 2026: the IOMMU stops translating for the function and stops invalidating its ATC first.
  if (int ret = reset_iommu_prepare(s, dev)) return ret;
  const uint16_t at = pdev(s, dev).pcie_cap + exp::kDevCtl;
  write_config_word(s, dev, at, static_cast<uint16_t>(read_config_word(s, dev, at) | exp::kDevCtlBcrFlr));
  // msleep(100), then pci_dev_wait: the device lock is held, the group mutex is not.
  kernel::preempt_point(s, kernel::PreemptPoint::FlrWait);
  iommu::pci_dev_reset_iommu_done(s, dev);
  return 0;
}

// dev->bus->devices: the pci_devs pci_device_add listed on the bus (a VF on the bus its routing
// ID gives) and not yet removed. While a function's own methods are probed it is not listed yet.
bool shares_bus(const System& s, DevId dev) {
  const PciDev& d = pdev(s, dev);
  for (DevId o : s.kernel.present_devs) {
    if (o == dev) continue;
    const PciDev& p = pdev(s, o);
    if (p.state != DevState::Added && p.state != DevState::BusAdded) continue;
    if (p.bdf.domain == d.bdf.domain && p.bdf.bus == d.bdf.bus) return true;
  }
  return false;
}

// pci_dev_d3_sleep: the time passes; what may run meanwhile is the reset_wait interleaving point.
void dev_d3_sleep(System&, DevId) {}

}  // namespace

std::string_view reset_method_name(ResetMethod m) {
  static constexpr std::array<std::string_view, kNumResetMethods> kNames = {
      "", "device_specific", "acpi", "flr", "af_flr", "pm", "bus", "cxl_bus"};
  return kNames.at(static_cast<size_t>(m));
}

int pcie_reset_flr(System& s, DevId dev, bool probe) {
  Frame f(s, KFn::pcie_reset_flr);
  const PciDev& d = pdev(s, dev);
  if (d.dev_flags & kDevFlagsNoFlrReset) return -ENOTTY;
  if (!d.pcie_cap || !(read_config_dword(s, dev, d.pcie_cap + exp::kDevCap) & exp::kDevCapFlr)) return -ENOTTY;
  if (probe) return 0;
  return pcie_flr(s, dev);
}

int pci_pm_reset(System& s, DevId dev, bool probe) {
  Frame f(s, KFn::pci_pm_reset);
  const PciDev& d = pdev(s, dev);
  if (!d.pm_cap || (d.dev_flags & kDevFlagsNoPmReset)) return -ENOTTY;
  uint16_t csr = read_config_word(s, dev, d.pm_cap + pm::kCtrl);
  // The function keeps its state across D3hot -> D0: no reset this way.
  if (csr & pm::kCtrlNoSoftReset) return -ENOTTY;
  if (probe) return 0;
  if (d.current_state != PowerState::D0) return -EINVAL;
  if (int ret = reset_iommu_prepare(s, dev)) return ret;
  const uint8_t pos = d.pm_cap;
  csr = static_cast<uint16_t>((csr & ~pm::kCtrlStateMask) | pm::kD3hot);
  write_config_word(s, dev, pos + pm::kCtrl, csr);
  dev_d3_sleep(s, dev);
  kernel::preempt_point(s, kernel::PreemptPoint::ResetWait);
  csr = static_cast<uint16_t>((csr & ~pm::kCtrlStateMask) | pm::kD0);
  write_config_word(s, dev, pos + pm::kCtrl, csr);  // the function resets here
  dev_d3_sleep(s, dev);
  // pci_dev_wait(dev, "PM D3hot->D0", ...): ready at once.
  iommu::pci_dev_reset_iommu_done(s, dev);
  return 0;
}

int pci_bridge_secondary_bus_reset(System& s, DevId bridge) {
  Frame f(s, KFn::pci_bridge_secondary_bus_reset);
  // dev->block_cfg_access: pci_dev_lock(bridge) took the bridge's config access with its device
  // lock (pci_reset_function does; pci_try_reset_function locks the function only).
  const kernel::HeldLock bridge_lock{kernel::LockClass::device_lock, bridge};
  bool locked = false;
  for (const kernel::HeldLock& h : kernel::held_locks(s)) locked |= kernel::conflicts(h, bridge_lock);
  if (!locked && !s.kernel.warned_unlocked_sbr) {
    s.kernel.warned_unlocked_sbr = true;  // pci_warn_once: once per boot, whichever bridge
    kernel::dev_warn(s, bridge, "unlocked secondary bus reset via: pci_reset_bus_function");
  }
  // pcibios_reset_secondary_bus -> pci_reset_secondary_bus: assert, msleep(2), release.
  uint16_t ctrl = read_config_word(s, bridge, hdr::kBridgeControl);
  ctrl |= hdr::kBridgeCtlBusReset;
  write_config_word(s, bridge, hdr::kBridgeControl, ctrl);
  kernel::preempt_point(s, kernel::PreemptPoint::ResetWait);
  ctrl = static_cast<uint16_t>(ctrl & ~hdr::kBridgeCtlBusReset);
  write_config_word(s, bridge, hdr::kBridgeControl, ctrl);
  // pci_bridge_wait_for_secondary_bus: the link comes back at once in the model.
  return 0;
}

int pci_parent_bus_reset(System& s, DevId dev, bool probe) {
  Frame f(s, KFn::pci_parent_bus_reset);
  const PciDev& d = pdev(s, dev);
  // dev->subordinate: a bridge (every bridge the model builds has its secondary bus).
  if (bus_self(s, dev) == kNoDev ||  // pci_is_root_bus(dev->bus) || !dev->bus->self
       d.hdr_type == hdr::kTypeBridge || (d.dev_flags & kDevFlagsNoBusReset)) return -ENOTTY;
  if (shares_bus(s, dev)) return -ENOTTY;
  if (probe) return 0;
  return pci_bridge_secondary_bus_reset(s, d.bus_self);
}

int pci_reset_bus_function(System& s, DevId dev, bool probe) {
  Frame f(s, KFn::pci_reset_bus_function);
  // cxl_sbr_masked(pci_upstream_bridge(dev)): no CXL port DVSEC in the model, never masked.
  // 2026: prepare before the slot and the parent bus reset, probe or not (pci_init_reset_methods
  // probes before the IOMMU's probe of the function, so prepare then has nothing to do).
  if (int rc = reset_iommu_prepare(s, dev)) return rc;
  // pci_dev_reset_slot_function: a hot-plug controller's reset_slot is not modelled (-ENOTTY).
  const int rc = pci_parent_bus_reset(s, dev, probe);
  iommu::pci_dev_reset_iommu_done(s, dev);
  return rc;
}

int reset_fn_method(System& s, DevId dev, ResetMethod m, bool probe) {
  switch (m) {
    case ResetMethod::Flr: return pcie_reset_flr(s, dev, probe);
    case ResetMethod::Pm: return pci_pm_reset(s, dev, probe);
    case ResetMethod::Bus: return pci_reset_bus_function(s, dev, probe);
    // Not modelled (reset_methods.h): none of them can reset a function the model builds.
    case ResetMethod::DeviceSpecific:
    case ResetMethod::Acpi:
    case ResetMethod::AfFlr:
    case ResetMethod::CxlBus:
    case ResetMethod::None: break;
  }
  return -ENOTTY;
}

void init_reset_methods(System& s, DevId dev) {
  Frame f(s, KFn::pci_init_reset_methods);
  std::array<uint8_t, kNumResetMethods> methods{};
  size_t i = 0;
  for (size_t m = 1; m < kNumResetMethods; ++m) {
    const int rc = reset_fn_method(s, dev, static_cast<ResetMethod>(m), kResetProbe);
    if (!rc)
      methods[i++] = static_cast<uint8_t>(m);
    else if (rc != -ENOTTY)
      break;  // a probe that fails otherwise ends the list
  }
  pdev(s, dev).reset_methods = methods;  // 0 after the last
}

void pm_init(System& s, DevId dev) {
  Frame f(s, KFn::pci_pm_init);
  PciDev& d = pdev(s, dev);
  d.pm_cap = 0;
  const uint8_t pm = static_cast<uint8_t>(hw::pcie::find_std_cap(s.hw.pcie.fn(d.fn).cfg, hw::pcie::cap::kPm));
  if (!pm) return;
  const uint16_t pmc = read_config_word(s, dev, pm + pm::kPmc);
  if ((pmc & pm::kCapVerMask) > 3) {
    kernel::dev_err(s, dev, fmt::format("unsupported PM cap regs version ({})", pmc & pm::kCapVerMask));
    return;
  }
  pdev(s, dev).pm_cap = pm;
  // The 2026 pci_pm_init ends in pci_pm_power_up_and_verify_state: the function in D0, believed
  // so. 6.12 leaves current_state PCI_UNKNOWN until pci_enable_device or a reset's
  // pci_set_power_state(PCI_D0), which every path to pci_pm_reset the model runs passes first;
  // current_state starts at D0 here on both, and the model's functions come up in D0.
}

void set_power_state_d0(System& s, DevId dev) {
  // __pci_set_power_state: nothing to do when the kernel believes the function is in D0.
  if (pdev(s, dev).current_state == PowerState::D0) return;
  Frame f(s, KFn::pci_set_power_state);
  if (const uint8_t pm = pdev(s, dev).pm_cap) {
    // pci_power_up: from D3hot, PMCSR written 0 (D0), which resets a NoSoftRst- function.
    const uint16_t pmcsr = read_config_word(s, dev, pm + pm::kCtrl);
    if ((pmcsr & pm::kCtrlStateMask) != pm::kD0) write_config_word(s, dev, pm + pm::kCtrl, 0);
  }
  pdev(s, dev).current_state = PowerState::D0;
}

}  // namespace atslab::pci
