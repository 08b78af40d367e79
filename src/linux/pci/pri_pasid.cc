#include "linux/pci/pri_pasid.h"

#include <algorithm>

#include "hw/pcie/capability_walk.h"
#include "kernel_src/ats.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/system.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;
namespace pri = hw::pcie::pri;
namespace pasid = hw::pcie::pasid;
namespace acs = hw::pcie::acs;
using hw::pcie::exp::Type;

namespace {
// --driver source: the PASID half of the kernel tree's drivers/pci/ats.c answers instead
// (src/kernel_src/ats.cc), as its ATS half does (ats.cc). The tree is built with
// CONFIG_PCI_PASID, so the config_pci_pasid switch is the model's alone.
bool tree_ats(const System& s) { return s.kernel.pci_switches.ats == policy::Driver::Source; }
}  // namespace

void pri_init(System& s, DevId dev) {
  Frame f(s, KFn::pci_pri_init);
  PciDev& d = pdev(s, dev);
  d.pri_cap = hw::pcie::find_ext_cap(s.hw.pcie.fn(d.fn).cfg, hw::pcie::ext_cap::kPri);
  if (!d.pri_cap) return;
  if (read_config_word(s, dev, d.pri_cap + pri::kStatus) & pri::kStatusPasid) pdev(s, dev).pasid_required = true;
}

int enable_pri(System& s, DevId dev, uint32_t reqs) {
  Frame f(s, KFn::pci_enable_pri);
  const PciDev& d = pdev(s, dev);
  // VFs must not implement PRI: they share their PF's, so it is on if the PF's is.
  if (d.is_virtfn) return pdev(s, d.physfn).pri_enabled ? 0 : -EINVAL;
  if (kernel::warn_on(s, d.pri_enabled, "pdev->pri_enabled")) return -EBUSY;
  if (!d.pri_cap) return -EINVAL;
  uint16_t pos = d.pri_cap;
  if (!(read_config_word(s, dev, pos + pri::kStatus) & pri::kStatusStopped)) return -EBUSY;
  uint32_t max_requests = read_config_dword(s, dev, pos + pri::kMaxReq);
  reqs = std::min(max_requests, reqs);
  pdev(s, dev).pri_reqs_alloc = reqs;
  write_config_dword(s, dev, pos + pri::kAllocReq, reqs);
  write_config_word(s, dev, pos + pri::kCtrl, pri::kCtrlEnable);
  pdev(s, dev).pri_enabled = true;
  return 0;
}

void restore_pri_state(System& s, DevId dev) {
  Frame f(s, KFn::pci_restore_pri_state);
  const PciDev& d = pdev(s, dev);
  if (d.is_virtfn || !d.pri_enabled || !d.pri_cap) return;
  write_config_dword(s, dev, d.pri_cap + pri::kAllocReq, d.pri_reqs_alloc);
  write_config_word(s, dev, d.pri_cap + pri::kCtrl, pri::kCtrlEnable);
}

void disable_pri(System& s, DevId dev) {
  Frame f(s, KFn::pci_disable_pri);
  const PciDev& d = pdev(s, dev);
  if (d.is_virtfn) return;
  if (kernel::warn_on(s, !d.pri_enabled, "!pdev->pri_enabled")) return;
  if (!d.pri_cap) return;
  uint16_t ctrl = read_config_word(s, dev, d.pri_cap + pri::kCtrl);
  write_config_word(s, dev, d.pri_cap + pri::kCtrl, static_cast<uint16_t>(ctrl & ~pri::kCtrlEnable));
  pdev(s, dev).pri_enabled = false;
}

int reset_pri(System& s, DevId dev) {
  Frame f(s, KFn::pci_reset_pri);
  const PciDev& d = pdev(s, dev);
  if (d.is_virtfn) return 0;
  if (kernel::warn_on(s, d.pri_enabled, "pdev->pri_enabled")) return -EBUSY;
  if (!d.pri_cap) return -EINVAL;
  write_config_word(s, dev, d.pri_cap + pri::kCtrl, pri::kCtrlReset);
  return 0;
}

bool pri_supported(const System& s, DevId dev) { return pdev(s, physfn(s, dev)).pri_cap != 0; }

void pasid_init(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::pasid_init(s, dev);
  Frame f(s, KFn::pci_pasid_init);
  PciDev& d = pdev(s, dev);
  d.pasid_cap = hw::pcie::find_ext_cap(s.hw.pcie.fn(d.fn).cfg, hw::pcie::ext_cap::kPasid);
}

int enable_pasid(System& s, DevId dev, uint16_t features) {
  if (tree_ats(s)) return kernel_src::enable_pasid(s, dev, features);
  Frame f(s, KFn::pci_enable_pasid);
  if (!s.kernel.pci_switches.config_pci_pasid) return -EINVAL;  // pci-ats.h's stub
  const PciDev& d = pdev(s, dev);
  // VFs must not implement PASID: they share their PF's configuration.
  if (d.is_virtfn) return pdev(s, d.physfn).pasid_enabled ? 0 : -EINVAL;
  if (kernel::warn_on(s, d.pasid_enabled, "pdev->pasid_enabled")) return -EBUSY;
  if (!d.eetlp_prefix && !d.pasid_no_tlp) return -EINVAL;
  if (!d.pasid_cap) return -EINVAL;
  if (!acs_path_enabled(s, dev, acs::kRr | acs::kUf)) return -EINVAL;
  uint16_t supported = read_config_word(s, dev, d.pasid_cap + pasid::kCap) & (pasid::kCapExec | pasid::kCapPriv);
  if ((supported & features) != features) return -EINVAL;
  pdev(s, dev).pasid_features = features;
  write_config_word(s, dev, d.pasid_cap + pasid::kCtrl, static_cast<uint16_t>(pasid::kCtrlEnable | features));
  pdev(s, dev).pasid_enabled = true;
  return 0;
}

void restore_pasid_state(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::restore_pasid_state(s, dev);
  Frame f(s, KFn::pci_restore_pasid_state);
  const PciDev& d = pdev(s, dev);
  if (d.is_virtfn || !d.pasid_enabled || !d.pasid_cap) return;
  write_config_word(s, dev, d.pasid_cap + pasid::kCtrl, static_cast<uint16_t>(pasid::kCtrlEnable | d.pasid_features));
}

void disable_pasid(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::disable_pasid(s, dev);
  Frame f(s, KFn::pci_disable_pasid);
  const PciDev& d = pdev(s, dev);
  if (d.is_virtfn) return;
  if (kernel::warn_on(s, !d.pasid_enabled, "!pdev->pasid_enabled")) return;
  if (!d.pasid_cap) return;
  write_config_word(s, dev, d.pasid_cap + pasid::kCtrl, 0);
  pdev(s, dev).pasid_enabled = false;
}

int max_pasids(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::max_pasids(s, dev);
  if (!s.kernel.pci_switches.config_pci_pasid) return -EINVAL;  // pci-ats.h's stub
  DevId pf = physfn(s, dev);
  if (!pdev(s, pf).pasid_cap) return -EINVAL;
  uint16_t cap = read_config_word(s, pf, pdev(s, pf).pasid_cap + pasid::kCap);
  return 1 << ((cap & pasid::kCapMaxWidthMask) >> pasid::kCapMaxWidthShift);
}

int pasid_features(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::pasid_features(s, dev);
  if (!s.kernel.pci_switches.config_pci_pasid) return -EINVAL;  // pci-ats.h's stub
  DevId pf = physfn(s, dev);
  if (!pdev(s, pf).pasid_cap) return -EINVAL;
  return read_config_word(s, pf, pdev(s, pf).pasid_cap + pasid::kCap) & (pasid::kCapExec | pasid::kCapPriv);
}

void acs_init(System& s, DevId dev) {
  PciDev& d = pdev(s, dev);
  d.acs_cap = hw::pcie::find_ext_cap(s.hw.pcie.fn(d.fn).cfg, hw::pcie::ext_cap::kAcs);
  if (!d.acs_cap) return;
  // pci_std_enable_acs: an IOMMU asked for isolation (pci_request_acs), so enable
  // Source Validation, Request and Completion Redirect and Upstream Forwarding;
  // Translation Blocking too below external-facing ports and with pci=noats.
  uint16_t cap = read_config_word(s, dev, d.acs_cap + acs::kCap);
  uint16_t ctrl = read_config_word(s, dev, d.acs_cap + acs::kCtrl);
  ctrl |= cap & (acs::kSv | acs::kRr | acs::kCr | acs::kUf);
  if (ats_disabled(s) || d.external_facing || d.untrusted) ctrl |= cap & acs::kTb;
  write_config_word(s, dev, d.acs_cap + acs::kCtrl, ctrl);
}

namespace {
bool acs_flags_enabled(const System& s, DevId dev, uint16_t flags) {
  const PciDev& d = pdev(s, dev);
  if (!d.acs_cap) return false;
  // Controls a port does not implement are hard-wired to the isolated behaviour (except Egress Control).
  uint16_t cap = read_config_word(s, dev, d.acs_cap + acs::kCap);
  flags &= static_cast<uint16_t>(cap | acs::kEc);
  uint16_t ctrl = read_config_word(s, dev, d.acs_cap + acs::kCtrl);
  return (ctrl & flags) == flags;
}
}  // namespace

bool acs_enabled(const System& s, DevId dev, uint16_t flags) {
  const PciDev& d = pdev(s, dev);
  if (!d.pcie_cap) return false;
  switch (d.pcie_type) {
    case Type::PcieBridge:  // PCIe-to-PCI: ACS never applies
    case Type::PciBridge:   // PCI-to-PCIe: handled as a conventional PCI device
    case Type::RcEventCollector:
      return false;
    case Type::Downstream:
    case Type::RootPort:
      return acs_flags_enabled(s, dev, flags);
    default:
      break;
  }
  // ACS applies to single-function endpoints only through their ports.
  if (d.multifunction && !d.is_virtfn) return acs_flags_enabled(s, dev, flags);
  return true;
}

bool acs_path_enabled(const System& s, DevId dev, uint16_t flags) {
  for (DevId cur = dev; cur != kNoDev; cur = pdev(s, cur).bus_self)
    if (!acs_enabled(s, cur, flags)) return false;
  return true;
}

}  // namespace atslab::pci
