#include "linux/pci/ats.h"

#include <fmt/format.h>

#include "hw/pcie/capability_walk.h"
#include "kernel_src/ats.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/quirks.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;
namespace ats = hw::pcie::ats;

// The line of WARN_ON(!dev->ats_enabled) in pci_disable_ats on the 7.1-based
// kernel of the seed report ("drivers/pci/ats.c:132").
constexpr int kDisableAtsWarnLine = 132;

bool ats_disabled(const System& s) { return s.kernel.pci_switches.noats; }

namespace {
// --driver source: the kernel tree's own drivers/pci/ats.c answers instead (src/kernel_src).
bool tree_ats(const System& s) { return s.kernel.pci_switches.ats == policy::Driver::Source; }
}  // namespace

void ats_init(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::ats_init(s, dev);
  Frame f(s, KFn::pci_ats_init);
  PciDev& d = pdev(s, dev);
  // Matlack 2026: a HEADER-phase quirk sets no_ats, refused here exactly like pci=noats.
  if (ats_disabled(s) || d.no_ats) {
    s.record.event(kernel::EventKind::PciAtsInit, dev, 0);
    return;
  }
  d.ats_cap = hw::pcie::find_ext_cap(s.hw.pcie.fn(d.fn).cfg, hw::pcie::ext_cap::kAts);
  s.record.event(kernel::EventKind::PciAtsInit, dev, d.ats_cap);
}

bool ats_supported_value(const System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::ats_supported_value(s, dev);
  const PciDev& d = pdev(s, dev);
  if (!d.ats_cap || d.untrusted) return false;
  // Sketch 7b: a FINAL no-ATS quirk marks the function instead of clearing ats_cap.
  if (s.kernel.pci_switches.no_ats_quirk_keeps_ats_cap && d.no_ats) return false;
  // Seed patch 1: a VF inherits its PF's verdict (PF quirked away or untrusted).
  if (s.kernel.pci_switches.pf_aware_ats_supported && d.is_virtfn) return ats_supported_value(s, d.physfn);
  return true;
}

bool ats_supported(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::ats_supported(s, dev);
  Frame f(s, KFn::pci_ats_supported);
  return ats_supported_value(s, dev);
}

int prepare_ats(System& s, DevId dev, int ps) {
  if (tree_ats(s)) return kernel_src::prepare_ats(s, dev, ps);
  Frame f(s, KFn::pci_prepare_ats);
  if (auto err = faults::inject(s, faults::Point::PciPrepareAts)) return *err;
  if (!ats_supported(s, dev)) return -EINVAL;
  if (kernel::warn_on(s, pdev(s, dev).ats_enabled, "dev->ats_enabled")) return -EBUSY;
  if (ps < ats::kMinStu) return -EINVAL;
  PciDev& d = pdev(s, dev);
  if (d.is_virtfn) {
    // Seed patch 2: the VF's page shift must be the one its PF was prepared with.
    if (s.kernel.pci_switches.vf_stu_validation && pdev(s, d.physfn).ats_stu != ps) return -EINVAL;
    return 0;
  }
  d.ats_stu = static_cast<uint8_t>(ps);
  write_config_word(s, dev, d.ats_cap + ats::kCtrl, static_cast<uint16_t>((ps - ats::kMinStu) & ats::kCtrlStuMask));
  return 0;
}

int enable_ats(System& s, DevId dev, int ps) {
  if (tree_ats(s)) return kernel_src::enable_ats(s, dev, ps);
  Frame f(s, KFn::pci_enable_ats);
  if (auto err = faults::inject(s, faults::Point::PciEnableAts)) return *err;
  if (!ats_supported(s, dev)) return -EINVAL;
  if (kernel::warn_on(s, pdev(s, dev).ats_enabled, "dev->ats_enabled")) return -EBUSY;
  if (ps < ats::kMinStu) return -EINVAL;
  PciDev& d = pdev(s, dev);
  uint16_t ctrl = ats::kCtrlEnable;
  if (d.is_virtfn) {
    // A VF has no STU of its own: it only works if the PF was set up with this page shift.
    if (pdev(s, d.physfn).ats_stu != ps) return -EINVAL;
  } else {
    d.ats_stu = static_cast<uint8_t>(ps);
    ctrl |= static_cast<uint16_t>((ps - ats::kMinStu) & ats::kCtrlStuMask);
  }
  write_config_word(s, dev, d.ats_cap + ats::kCtrl, ctrl);
  pdev(s, dev).ats_enabled = true;
  return 0;
}

void disable_ats(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::disable_ats(s, dev);
  Frame f(s, KFn::pci_disable_ats);
  if (kernel::warn_on(s, !pdev(s, dev).ats_enabled, "!dev->ats_enabled", kDisableAtsWarnLine)) return;
  const PciDev& d = pdev(s, dev);
  // Sketch 7a: with ats_cap cleared by a quirk, ats_cap + PCI_ATS_CTRL is PCI_STATUS; touch nothing.
  if (s.kernel.pci_switches.disable_ats_checks_ats_cap && kernel::warn_on(s, !d.ats_cap, "!dev->ats_cap")) return;
  uint16_t ctrl = read_config_word(s, dev, d.ats_cap + ats::kCtrl);
  write_config_word(s, dev, d.ats_cap + ats::kCtrl, static_cast<uint16_t>(ctrl & ~ats::kCtrlEnable));
  pdev(s, dev).ats_enabled = false;
}

void restore_ats_state(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::restore_ats_state(s, dev);
  Frame f(s, KFn::pci_restore_ats_state);
  const PciDev& d = pdev(s, dev);
  // Only an enabled ATS is restored: an STU programmed by prepare while ATS was off is lost on reset.
  if (!d.ats_enabled) return;
  uint16_t ctrl = ats::kCtrlEnable;
  if (!d.is_virtfn) ctrl |= static_cast<uint16_t>((d.ats_stu - ats::kMinStu) & ats::kCtrlStuMask);
  write_config_word(s, dev, d.ats_cap + ats::kCtrl, ctrl);
}

int ats_queue_depth(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::ats_queue_depth(s, dev);
  Frame f(s, KFn::pci_ats_queue_depth);
  const PciDev& d = pdev(s, dev);
  if (!d.ats_cap) return -EINVAL;
  if (d.is_virtfn) return 0;  // VFs share their PF's queue
  uint16_t cap = read_config_word(s, dev, d.ats_cap + ats::kCap);
  int qdep = cap & ats::kCapQdepMask;
  return qdep ? qdep : ats::kMaxQdep;
}

namespace {
constexpr uint16_t kPciVendorIdCxl = 0x1e98;  // PCI_VENDOR_ID_CXL
constexpr uint16_t kDvsecCxlDevice = 0;       // PCI_DVSEC_CXL_DEVICE
constexpr uint16_t kDvsecHeader1 = 0x4, kDvsecHeader2 = 0x8;  // PCI_DVSEC_HEADER1/2
constexpr uint16_t kDvsecCxlCap = 0xa;        // PCI_DVSEC_CXL_CAP
constexpr uint16_t kDvsecCxlCacheCapable = 0x1;  // PCI_DVSEC_CXL_CACHE_CAPABLE

// pci_cxl_ats_required: Cache_Capable, not Cache_Enable (CXL.cache may be enabled after the
// caller's ATS decision), in the CXL device DVSEC found by walking every DVSEC for its owner.
bool cxl_ats_required(System& s, DevId dev) {
  const auto& cfg = s.hw.pcie.fn(pdev(s, dev).fn).cfg;
  for (uint16_t pos = hw::pcie::find_ext_cap(cfg, hw::pcie::ext_cap::kDvsec); pos;
       pos = hw::pcie::find_next_ext_cap(cfg, pos, hw::pcie::ext_cap::kDvsec)) {
    if (read_config_word(s, dev, pos + kDvsecHeader1) != kPciVendorIdCxl) continue;
    if (read_config_word(s, dev, pos + kDvsecHeader2) != kDvsecCxlDevice) continue;
    return read_config_word(s, dev, pos + kDvsecCxlCap) & kDvsecCxlCacheCapable;
  }
  return false;
}
}  // namespace

bool ats_required(System& s, DevId dev) {
  Frame f(s, KFn::pci_ats_required);
  if (!ats_supported(s, dev)) return false;
  // A VF inherits its PF's requirement.
  const DevId who = pdev(s, dev).is_virtfn ? pdev(s, dev).physfn : dev;
  return cxl_ats_required(s, who) || dev_specific_ats_required(s, who);
}

int ats_page_aligned(System& s, DevId dev) {
  if (tree_ats(s)) return kernel_src::ats_page_aligned(s, dev);
  Frame f(s, KFn::pci_ats_page_aligned);
  const PciDev& d = pdev(s, dev);
  if (!d.ats_cap) return 0;
  return (read_config_word(s, dev, d.ats_cap + ats::kCap) & ats::kCapPageAligned) ? 1 : 0;
}

}  // namespace atslab::pci
