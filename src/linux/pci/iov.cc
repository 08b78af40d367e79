#include "linux/pci/iov.h"

#include <fmt/format.h>
#include <optional>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/sriov_routing.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/probe.h"
#include "linux/system.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;
namespace sriov = hw::pcie::sriov;

namespace {
constexpr uint32_t kSriovCapVfm = 0x1;  // VF Migration Capable

// pci_iov_set_numvfs: the hardware may change First VF Offset and VF Stride with NumVFs.
void set_numvfs(System& s, DevId pf, uint16_t n) {
  uint16_t pos = pdev(s, pf).sriov.pos;
  write_config_word(s, pf, pos + sriov::kNumVf, n);
  pdev(s, pf).sriov.offset = read_config_word(s, pf, pos + sriov::kVfOffset);
  pdev(s, pf).sriov.stride = read_config_word(s, pf, pos + sriov::kVfStride);
}

// The last bus number the PF's bus may use (the upstream bridge's subordinate, or the whole root bus range).
uint8_t bus_end(const System& s, DevId pf) {
  DevId bridge = pdev(s, pf).bus_self;
  if (bridge == kNoDev) return 0xff;
  return read_config_byte(s, bridge, hw::pcie::hdr::kSubordinateBus);
}
}  // namespace

uint8_t iov_virtfn_bus(const System& s, DevId pf, unsigned vf_id) {
  const PciDev& p = pdev(s, pf);
  return hw::pcie::virtfn_bus(p.bdf, p.sriov.offset, p.sriov.stride, vf_id);
}
uint8_t iov_virtfn_devfn(const System& s, DevId pf, unsigned vf_id) {
  const PciDev& p = pdev(s, pf);
  return hw::pcie::virtfn_devfn(p.bdf, p.sriov.offset, p.sriov.stride, vf_id);
}

int iov_init(System& s, DevId dev) {
  Frame f(s, KFn::pci_iov_init);
  if (pdev(s, dev).is_virtfn) return -ENODEV;
  uint16_t pos = hw::pcie::find_ext_cap(s.hw.pcie.fn(pdev(s, dev).fn).cfg, hw::pcie::ext_cap::kSriov);
  if (!pos) return -ENODEV;
  Frame g(s, KFn::sriov_init);
  // A VF Enable left on by firmware is turned off before anything else.
  if (read_config_word(s, dev, pos + sriov::kCtrl) & sriov::kCtrlVfe) write_config_word(s, dev, pos + sriov::kCtrl, 0);
  write_config_word(s, dev, pos + sriov::kCtrl, 0);
  uint16_t total = read_config_word(s, dev, pos + sriov::kTotalVf);
  if (!total) return 0;
  uint32_t pgsz = read_config_dword(s, dev, pos + sriov::kSupPgsize);
  if (!pgsz) return -EIO;
  pgsz &= ~(pgsz - 1);  // the smallest supported page size (PAGE_SIZE is 4 KiB here)
  write_config_dword(s, dev, pos + sriov::kSysPgsize, pgsz);

  SriovInfo info;
  info.pos = pos;
  info.total_vfs = total;
  info.vf_device = read_config_word(s, dev, pos + sriov::kVfDid);
  PciDev& p = pdev(s, dev);
  p.sriov = info;
  p.is_physfn = true;
  // compute_max_vf_buses: every NumVFs from 1 to TotalVFs must give a usable offset and stride.
  // An int counter, as the kernel's: a uint16_t one never passes a TotalVFs of 0xffff.
  for (unsigned n = 1; n <= total; ++n) {
    set_numvfs(s, dev, static_cast<uint16_t>(n));
    const SriovInfo& i = pdev(s, dev).sriov;
    if (!i.offset || (n > 1 && !i.stride)) {
      set_numvfs(s, dev, 0);
      pdev(s, dev).sriov = SriovInfo{};
      pdev(s, dev).is_physfn = false;
      return -EIO;
    }
  }
  set_numvfs(s, dev, 0);
  return 0;
}

DevId iov_add_virtfn(System& s, DevId pf, unsigned vf_id) {
  Frame f(s, KFn::pci_iov_add_virtfn);
  hw::pcie::Bdf bdf{pdev(s, pf).bdf.domain, iov_virtfn_bus(s, pf, vf_id), iov_virtfn_devfn(s, pf, vf_id)};
  hw::pcie::FnId fn = s.hw.pcie.find(bdf.domain, bdf);
  if (fn == hw::pcie::kNoFn) return kNoDev;  // nothing answers at that RID
  PciDev preset;
  preset.vendor = pdev(s, pf).vendor;
  preset.device = pdev(s, pf).sriov.vf_device;
  preset.is_virtfn = true;
  preset.physfn = pf;
  preset.vf_index = static_cast<uint16_t>(vf_id);
  preset.driver = pdev(s, pf).driver == DriverKind::VfioPci ? DriverKind::VfioPci : DriverKind::None;
  DevId vf = setup_device(s, fn, pdev(s, pf).bus_self, &preset);
  device_add(s, vf);
  bus_add_device(s, vf);
  return vf;
}

void iov_remove_virtfn(System& s, DevId pf, unsigned vf_id) {
  Frame f(s, KFn::pci_iov_remove_virtfn);
  // pci_get_domain_bus_and_slot() at the VF's routing ID: at most one present device.
  for (DevId d : s.kernel.present_devs) {
    const PciDev& p = pdev(s, d);
    if (p.is_virtfn && p.physfn == pf && p.vf_index == vf_id) return stop_and_remove_bus_device(s, d);
  }
}

int enable_sriov(System& s, DevId pf, uint16_t nr_virtfn) {
  Frame f(s, KFn::pci_enable_sriov);
  if (!pdev(s, pf).is_physfn) return -ENODEV;
  Frame g(s, KFn::sriov_enable);
  if (nr_virtfn == 0) return 0;
  SriovInfo& iov = pdev(s, pf).sriov;
  if (iov.num_vfs) return -EINVAL;
  uint16_t initial = read_config_word(s, pf, iov.pos + sriov::kInitialVf);
  uint32_t cap = read_config_dword(s, pf, iov.pos + sriov::kCap);
  if (initial > iov.total_vfs || (!(cap & kSriovCapVfm) && initial != iov.total_vfs)) return -EIO;
  if (nr_virtfn > iov.total_vfs || (!(cap & kSriovCapVfm) && nr_virtfn > initial)) return -EINVAL;
  set_numvfs(s, pf, nr_virtfn);
  uint8_t last_bus = iov_virtfn_bus(s, pf, nr_virtfn - 1u);
  if (last_bus > bus_end(s, pf) || last_bus < pdev(s, pf).bdf.bus) {
    kernel::dev_err(s, pf, fmt::format("can't enable {} VFs (bus {:02x} out of range)", nr_virtfn, last_bus));
    set_numvfs(s, pf, 0);
    return -ENOMEM;
  }
  pdev(s, pf).sriov.initial_vfs = initial;
  pdev(s, pf).sriov.ctrl |= sriov::kCtrlVfe | sriov::kCtrlMse;
  write_config_word(s, pf, pdev(s, pf).sriov.pos + sriov::kCtrl, pdev(s, pf).sriov.ctrl);
  s.record.event(kernel::EventKind::SriovEnable, pf, nr_virtfn);
  {
    Frame h(s, KFn::sriov_add_vfs);
    for (unsigned i = 0; i < nr_virtfn; ++i) {
      if (iov_add_virtfn(s, pf, i) == kNoDev) {
        for (unsigned j = i; j-- > 0;) iov_remove_virtfn(s, pf, j);
        pdev(s, pf).sriov.ctrl &= static_cast<uint16_t>(~(sriov::kCtrlVfe | sriov::kCtrlMse));
        write_config_word(s, pf, pdev(s, pf).sriov.pos + sriov::kCtrl, pdev(s, pf).sriov.ctrl);
        set_numvfs(s, pf, 0);
        return -ENOMEM;
      }
    }
  }
  pdev(s, pf).sriov.num_vfs = nr_virtfn;
  return 0;
}

void disable_sriov(System& s, DevId pf) {
  Frame f(s, KFn::pci_disable_sriov);
  if (!pdev(s, pf).is_physfn) return;
  Frame g(s, KFn::sriov_disable);
  uint16_t n = pdev(s, pf).sriov.num_vfs;
  if (!n) return;
  for (unsigned i = 0; i < n; ++i) iov_remove_virtfn(s, pf, i);
  pdev(s, pf).sriov.ctrl &= static_cast<uint16_t>(~(sriov::kCtrlVfe | sriov::kCtrlMse));
  write_config_word(s, pf, pdev(s, pf).sriov.pos + sriov::kCtrl, pdev(s, pf).sriov.ctrl);
  pdev(s, pf).sriov.num_vfs = 0;
  set_numvfs(s, pf, 0);
  s.record.event(kernel::EventKind::SriovDisable, pf, n);
}

int sriov_numvfs_store(System& s, DevId pf, uint16_t num_vfs) {
  Frame f(s, KFn::sriov_numvfs_store);
  if (!pdev(s, pf).is_physfn) return -ENOENT;
  if (num_vfs > pdev(s, pf).sriov.total_vfs) return -ERANGE;
  kernel::LockGuard lock(s, kernel::LockClass::device_lock, pf);
  if (num_vfs == pdev(s, pf).sriov.num_vfs) return 0;
  if (!pdev(s, pf).driver_bound) {
    kernel::dev_info(s, pf, "no driver bound to device; cannot configure SR-IOV");
    return -ENOENT;
  }
  std::optional<Frame> drv;
  if (pdev(s, pf).driver == DriverKind::VfioPci) drv.emplace(s, KFn::vfio_pci_core_sriov_configure);
  if (num_vfs == 0) {
    kernel::LockGuard rescan(s, kernel::LockClass::pci_rescan_remove_lock);
    disable_sriov(s, pf);
    return 0;
  }
  if (pdev(s, pf).sriov.num_vfs) {
    kernel::dev_warn(s, pf, fmt::format("{} VFs already enabled. Disable before enabling {} VFs", pdev(s, pf).sriov.num_vfs, num_vfs));
    return -EBUSY;
  }
  kernel::LockGuard rescan(s, kernel::LockClass::pci_rescan_remove_lock);
  return enable_sriov(s, pf, num_vfs);
}

}  // namespace atslab::pci
