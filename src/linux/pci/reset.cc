#include "linux/pci/reset.h"

#include <array>
#include <fmt/format.h>
#include <optional>

#include "hw/pcie/regs.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/pci/pri_pasid.h"
#include "linux/pci/reset_methods.h"
#include "linux/system.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;
namespace exp = hw::pcie::exp;
namespace hdr = hw::pcie::hdr;
namespace sriov = hw::pcie::sriov;

namespace {

// pcie_capability_reg_implemented for the registers an endpoint's restore writes: Link Control
// on every function with a link (not an RCiEP), the "2" registers from capability version 2.
bool has_lnkctl(const PciDev& d) { return d.pcie_type != exp::Type::RcEndpoint; }
bool cap_v2(const System& s, DevId dev) {
  return (read_config_word(s, dev, pdev(s, dev).pcie_cap + exp::kFlags) & 0xf) > 1;
}

SavedState save_state(System& s, DevId dev) {
  Frame f(s, KFn::pci_save_state);
  SavedState st;
  for (uint16_t i = 0; i < 16; ++i) st.config[i] = read_config_dword(s, dev, static_cast<uint16_t>(i * 4));
  const PciDev& d = pdev(s, dev);
  if (!d.pcie_cap) return st;
  st.devctl = read_config_word(s, dev, d.pcie_cap + exp::kDevCtl);
  if (has_lnkctl(d)) st.lnkctl = read_config_word(s, dev, d.pcie_cap + exp::kLnkCtl);
  if (cap_v2(s, dev)) {
    st.devctl2 = read_config_word(s, dev, d.pcie_cap + exp::kDevCtl2);
    st.lnkctl2 = read_config_word(s, dev, d.pcie_cap + exp::kLnkCtl2);
  }
  return st;
}

void restore_pcie_state(System& s, DevId dev, const SavedState& st) {
  const PciDev& d = pdev(s, dev);
  if (!d.pcie_cap) return;
  write_config_word(s, dev, d.pcie_cap + exp::kDevCtl, st.devctl);
  if (has_lnkctl(d)) write_config_word(s, dev, d.pcie_cap + exp::kLnkCtl, st.lnkctl);
  if (cap_v2(s, dev)) {
    write_config_word(s, dev, d.pcie_cap + exp::kDevCtl2, st.devctl2);
    write_config_word(s, dev, d.pcie_cap + exp::kLnkCtl2, st.lnkctl2);
  }
}

// pci_restore_config_space for a type 0 header: dwords 15..10, then the BARs 9..4, then 3..0
// (the Command register last), each written only where it differs from what was saved.
void restore_config_space(System& s, DevId dev, const SavedState& st) {
  auto range = [&](int start, int end) {
    for (int i = end; i >= start; --i) {
      const auto off = static_cast<uint16_t>(i * 4);
      if (read_config_dword(s, dev, off) != st.config[i]) write_config_dword(s, dev, off, st.config[i]);
    }
  };
  range(10, 15);
  range(4, 9);
  range(0, 3);
}

// pci_restore_state, in the kernel's order: PCIe control, PASID, PRI, ATS, the header, ACS, SR-IOV.
void restore_state(System& s, DevId dev, const SavedState& st) {
  Frame f(s, KFn::pci_restore_state);
  restore_pcie_state(s, dev, st);
  restore_pasid_state(s, dev);
  restore_pri_state(s, dev);
  restore_ats_state(s, dev);
  restore_config_space(s, dev, st);
  acs_init(s, dev);  // pci_enable_acs
  restore_iov_state(s, dev);
}

int save_reset_restore(System& s, DevId dev) {
  const SavedState st = dev_save_and_disable(s, dev);
  const int rc = reset_function_locked(s, dev);
  dev_restore(s, dev, st);
  return rc;
}

// Whether another CPU, stopped at an interleaving point, holds `l` (a trylock would fail).
bool held_elsewhere(const System& s, const kernel::HeldLock& l) {
  for (const kernel::Context& c : s.kernel.preempted)
    for (const kernel::HeldLock& h : c.held)
      if (kernel::conflicts(h, l)) return true;
  return false;
}

}  // namespace

// A bound driver without err_handler->reset_prepare / reset_done (vfio-pci's has neither; the
// model's native driver has none) gets these two lines, from 6.13 on (6.12.118 says nothing).
static bool warns_reset_unaware(const System& s, DevId dev) {
  return s.kernel.pci_switches.warn_reset_unaware && pdev(s, dev).driver_bound;
}

SavedState dev_save_and_disable(System& s, DevId dev) {
  Frame f(s, KFn::pci_dev_save_and_disable);
  if (warns_reset_unaware(s, dev)) kernel::dev_warn(s, dev, "resetting");
  set_power_state_d0(s, dev);  // "PM registers default to D0 after reset"
  SavedState st = save_state(s, dev);
  // Not Memory, I/O or Bus Master any more: no DMA from the function during the reset.
  write_config_word(s, dev, hdr::kCommand, hdr::kCommandIntxDisable);
  return st;
}

void dev_restore(System& s, DevId dev, const SavedState& st) {
  Frame f(s, KFn::pci_dev_restore);
  restore_state(s, dev, st);
  if (warns_reset_unaware(s, dev)) kernel::dev_warn(s, dev, "reset done");
}

// __pci_reset_function_locked: dev->reset_methods in order, the next on -ENOTTY, the result
// of the first that returns anything else.
int reset_function_locked(System& s, DevId dev) {
  Frame f(s, KFn::__pci_reset_function_locked);
  for (const uint8_t m : pdev(s, dev).reset_methods) {
    if (!m) return -ENOTTY;
    const int rc = reset_fn_method(s, dev, static_cast<ResetMethod>(m), kResetDoReset);
    if (rc != -ENOTTY) return rc;
  }
  return -ENOTTY;
}

SavedState save_config_state(System& s, DevId dev) { return save_state(s, dev); }
void restore_config_state(System& s, DevId dev, const SavedState& st) { restore_state(s, dev, st); }
bool device_lock_taken(const System& s, DevId dev) {
  const kernel::HeldLock l{kernel::LockClass::device_lock, dev};
  for (const kernel::HeldLock& h : kernel::held_locks(s))
    if (kernel::conflicts(h, l)) return true;
  return held_elsewhere(s, l);
}

bool reset_supported(const System& s, DevId dev) { return pdev(s, dev).reset_methods[0] != 0; }

int reset_function(System& s, DevId dev) {
  Frame f(s, KFn::pci_reset_function);
  if (!reset_supported(s, dev)) return -ENOTTY;
  const DevId bridge = pdev(s, dev).bus_self;  // pci_upstream_bridge
  std::optional<kernel::LockGuard> bridge_lock;
  if (bridge != kNoDev) bridge_lock.emplace(s, kernel::LockClass::device_lock, bridge);
  kernel::LockGuard lock(s, kernel::LockClass::device_lock, dev);
  return save_reset_restore(s, dev);
}

int try_reset_function(System& s, DevId dev) {
  Frame f(s, KFn::pci_try_reset_function);
  if (!reset_supported(s, dev)) return -ENOTTY;
  if (device_lock_taken(s, dev)) return -EAGAIN;
  kernel::LockGuard lock(s, kernel::LockClass::device_lock, dev);
  return save_reset_restore(s, dev);
}

int reset_store(System& s, DevId dev) {
  Frame f(s, KFn::reset_store);
  return reset_function(s, dev);
}

void restore_iov_state(System& s, DevId dev) {
  Frame f(s, KFn::pci_restore_iov_state);
  const PciDev& d = pdev(s, dev);
  if (!d.is_physfn || !d.sriov.pos) return;
  // sriov_restore_state: nothing to do while VF Enable is still set (the reset did not touch it).
  const uint16_t pos = d.sriov.pos;
  uint16_t ctrl = read_config_word(s, dev, pos + sriov::kCtrl);
  if (ctrl & sriov::kCtrlVfe) return;
  ctrl = static_cast<uint16_t>((ctrl & ~sriov::kCtrlAri) | (d.sriov.ctrl & sriov::kCtrlAri));
  write_config_word(s, dev, pos + sriov::kCtrl, ctrl);
  write_config_dword(s, dev, pos + sriov::kSysPgsize, 1);  // iov->pgsz: 4 KiB pages
  write_config_word(s, dev, pos + sriov::kNumVf, d.sriov.num_vfs);
  // VF Enable again, if it was: the VFs come back at their reset state, ATS off.
  write_config_word(s, dev, pos + sriov::kCtrl, d.sriov.ctrl);
}

}  // namespace atslab::pci
