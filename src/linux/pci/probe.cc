#include "linux/pci/probe.h"

#include <fmt/format.h>

#include <algorithm>

#include "hw/pcie/capability_walk.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/iommu/probe.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/pci/iov.h"
#include "linux/pci/pri_pasid.h"
#include "linux/pci/quirks.h"
#include "linux/pci/reset_methods.h"
#include "linux/system.h"
#include "linux/vfio/vfio.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;
namespace hdr = hw::pcie::hdr;

void set_pcie_untrusted(System& s, DevId dev) {
  Frame f(s, KFn::set_pcie_untrusted);
  // pci_upstream_bridge() looks through a VF to its PF's bridge.
  DevId parent = pdev(s, physfn(s, dev)).bus_self;
  if (parent == kNoDev) return;
  const PciDev& p = pdev(s, parent);
  if (p.untrusted || p.external_facing) pdev(s, dev).untrusted = true;
}

DevId setup_device(System& s, hw::pcie::FnId fn, DevId bus_self, const PciDev* preset) {
  DevId dev = static_cast<DevId>(s.kernel.devs.size());
  PciDev d = preset ? *preset : PciDev{};
  d.fn = fn;
  d.rc = s.hw.pcie.fn(fn).rc;
  d.bdf = s.hw.pcie.fn(fn).bdf;
  d.bus_self = bus_self;
  d.state = DevState::Setup;
  s.kernel.devs.push_back(d);
  s.kernel.present_devs.push_back(dev);  // the largest DevId yet: the list stays ascending
  Frame f(s, KFn::pci_setup_device);

  PciDev& p = pdev(s, dev);
  if (!p.is_virtfn) {
    p.vendor = read_config_word(s, dev, hdr::kVendorId);
    p.device = read_config_word(s, dev, hdr::kDeviceId);
  }
  uint32_t class_rev = read_config_dword(s, dev, hdr::kRevision);
  p.revision = static_cast<uint8_t>(class_rev);
  p.class_code = class_rev >> 8;
  uint8_t ht = read_config_byte(s, dev, hdr::kHeaderType);
  p.hdr_type = ht & 0x7f;
  p.multifunction = !p.is_virtfn && (ht & hdr::kMultifunction);
  const auto& cfg = s.hw.pcie.fn(fn).cfg;
  p.pcie_cap = static_cast<uint8_t>(hw::pcie::find_std_cap(cfg, hw::pcie::cap::kExp));
  if (p.pcie_cap) {
    p.pcie_type = static_cast<hw::pcie::exp::Type>((read_config_word(s, dev, p.pcie_cap + hw::pcie::exp::kFlags) >> 4) & 0xf);
    p.eetlp_prefix = read_config_dword(s, dev, p.pcie_cap + hw::pcie::exp::kDevCap2) & hw::pcie::exp::kDevCap2EeTlpPrefix;
  }
  // Firmware marks external-facing root ports (ACPI _DSD ExternalFacingPort); only root ports count.
  if (p.pcie_type == hw::pcie::exp::Type::RootPort) p.external_facing = s.hw.pcie.fn(fn).external_facing;

  set_pcie_untrusted(s, dev);
  fixup_device(s, FixupPhase::Early, dev);
  // Subsystem IDs are read only after the EARLY fixups (why the no-ATS quirks cannot be EARLY).
  if (pdev(s, dev).hdr_type == hdr::kTypeNormal) {
    pdev(s, dev).subsystem_vendor = read_config_word(s, dev, hdr::kSubsystemVendor);
    pdev(s, dev).subsystem_device = read_config_word(s, dev, hdr::kSubsystemId);
  }
  kernel::dev_info(s, dev,
                   fmt::format("[{:04x}:{:04x}] type {:02x} class {:#08x}{}", pdev(s, dev).vendor, pdev(s, dev).device,
                               pdev(s, dev).hdr_type, pdev(s, dev).class_code,
                               pdev(s, dev).is_virtfn ? " VF" : ""));
  return dev;
}

void init_capabilities(System& s, DevId dev) {
  Frame f(s, KFn::pci_init_capabilities);
  pm_init(s, dev);
  iov_init(s, dev);
  ats_init(s, dev);
  pri_init(s, dev);
  pasid_init(s, dev);
  acs_init(s, dev);
  // Last, as the kernel does: the probes read what the others set up (pm_cap).
  init_reset_methods(s, dev);
}

void device_add(System& s, DevId dev) {
  Frame f(s, KFn::pci_device_add);
  fixup_device(s, FixupPhase::Header, dev);
  init_capabilities(s, dev);
  {
    Frame g(s, KFn::device_add);
    pdev(s, dev).state = DevState::Added;
    // The attribute groups are created here, after pci_init_reset_methods.
    pdev(s, dev).reset_attrs_visible = pdev(s, dev).reset_methods[0] != 0;
    s.record.event(kernel::EventKind::DeviceAdd, dev);
    iommu::bus_notify_add(s, dev);
  }
}

int device_attach(System& s, DevId dev) {
  Frame f(s, KFn::device_attach);
  if (pdev(s, dev).driver == DriverKind::None) return -ENODEV;
  if (pdev(s, dev).driver_bound) return -EBUSY;
  kernel::LockGuard lock(s, kernel::LockClass::device_lock, dev);
  const bool behind_iommu = s.hw.pcie.rc(pdev(s, dev).rc).iommu != hw::pcie::IommuKind::None;
  const bool probed = dev < s.kernel.iommu.devs.size() && s.kernel.iommu.devs[dev].probed;
  if (behind_iommu && !probed) {
    // really_probe -> dma_configure: while the device's IOMMU has not registered, the probe is
    // deferred (-EPROBE_DEFER). Once it registered, or failed to, the driver binds without an
    // IOMMU: acpi_dma_configure_id ignores every other error (dma-direct; the SMMU's STE for the
    // device stays abort, or GBPA applies to a disabled SMMU).
    if (iommu::register_failed_for(s, dev)) {
      // The IOMMU never came: driver_deferred_probe_check_state gives up at the timeout.
      kernel::dev_warn(s, dev, "deferred probe timeout, ignoring dependency");
    } else if (!iommu::registered_for(s, dev)) {
      return -kernel::EPROBE_DEFER;
    } else if (const int err = dev < s.kernel.iommu.devs.size() ? s.kernel.iommu.devs[dev].probe_error : 0) {
      kernel::dev_printk(s, kernel::Level::Debug, dev, fmt::format("Adding to IOMMU failed: {}", err));
    }
  }
  if (pdev(s, dev).driver == DriverKind::VfioPci) {
    // vfio-pci's probe registers the device with VFIO, in its IOMMU group's vfio_group.
    Frame g(s, KFn::vfio_pci_probe);
    if (int ret = vfio::register_group_dev(s, dev)) {
      kernel::dev_printk(s, kernel::Level::Warning, dev, fmt::format("probe with driver vfio-pci failed with error {}", ret));
      return ret;
    }
  }
  // A DMA-API driver shares the group's default domain. vfio-pci sets driver_managed_dma and
  // claims ownership later instead.
  if (pdev(s, dev).driver == DriverKind::Native && probed)
    if (int ret = iommu::device_use_default_domain(s, dev)) return ret;
  pdev(s, dev).driver_bound = true;
  s.record.event(kernel::EventKind::DriverBind, dev, static_cast<int64_t>(pdev(s, dev).driver));
  return 0;
}

void device_release_driver(System& s, DevId dev) {
  Frame f(s, KFn::device_release_driver);
  if (!pdev(s, dev).driver_bound) return;
  kernel::LockGuard lock(s, kernel::LockClass::device_lock, dev);
  // The driver's remove() stops its own DMA and IOMMU use before it returns.
  kernel::LockGuard quiesce(s, kernel::LockClass::driver_in_use, dev);
  bool probed = dev < s.kernel.iommu.devs.size() && s.kernel.iommu.devs[dev].probed;
  if (pdev(s, dev).driver == DriverKind::VfioPci) {
    Frame g(s, KFn::vfio_pci_remove);
    vfio::unregister_group_dev(s, dev);
  }
  if (pdev(s, dev).driver == DriverKind::Native && probed) {
    // A kernel driver that attached PASIDs detaches them in its remove(), before the device
    // can be handed to anyone else (VFIO refuses a group with PASIDs attached).
    iommu::detach_driver_pasids(s, dev);
    iommu::device_unuse_default_domain(s, dev);
  }
  pdev(s, dev).driver_bound = false;
}

void bus_add_device(System& s, DevId dev) {
  Frame f(s, KFn::pci_bus_add_device);
  fixup_device(s, FixupPhase::Final, dev);
  pdev(s, dev).state = DevState::BusAdded;
  device_attach(s, dev);
}

namespace {
// pci_scan_child_bus: every present function on `bus`, bridges recursed into.
void scan_child_bus(System& s, uint16_t domain, uint8_t bus, DevId bus_self, std::vector<DevId>& added) {
  Frame f(s, KFn::pci_scan_child_bus);
  for (hw::pcie::FnId fn : s.hw.pcie.scan_bus(domain, bus)) {
    if (dev_for_fn(s, fn)) continue;
    DevId dev;
    {
      Frame g(s, KFn::pci_scan_single_device);
      dev = setup_device(s, fn, bus_self);
      device_add(s, dev);
    }
    added.push_back(dev);
    // A CardBus bridge's card is scanned later in Linux (yenta's cb_alloc -> pci_scan_slot, once a
    // card is seen); atslab has no socket events and scans it here, as a bridge's bus.
    if (pdev(s, dev).hdr_type == hdr::kTypeBridge || pdev(s, dev).hdr_type == hdr::kTypeCardbus) {
      uint8_t secondary = read_config_byte(s, dev, hdr::kSecondaryBus);
      if (secondary > bus) scan_child_bus(s, domain, secondary, dev, added);
    }
  }
}

void bus_add_devices(System& s, const std::vector<DevId>& added) {
  Frame f(s, KFn::pci_bus_add_devices);
  for (DevId d : added) bus_add_device(s, d);
}
}  // namespace

void scan_root_buses(System& s) {
  for (hw::pcie::RcId rc = 0; rc < s.hw.pcie.root_complexes().size(); ++rc) {
    Frame f(s, KFn::pci_scan_root_bus);
    std::vector<DevId> added;
    const auto& r = s.hw.pcie.rc(rc);
    scan_child_bus(s, r.domain, r.root_bus, kNoDev, added);
    bus_add_devices(s, added);
  }
}

void boot(System& s) {
  if (s.kernel.pci_switches.noats) kernel::pr_info(s, "PCIe: ATS is disabled");  // pci_setup: "noats"
  s.hw.pcie.finalize();
  scan_root_buses(s);
  for (hw::pcie::RcId rc = 0; rc < s.hw.pcie.root_complexes().size(); ++rc)
    if (s.hw.pcie.rc(rc).iommu != hw::pcie::IommuKind::None) iommu::register_iommu(s, rc);
  // Deferred probe: drivers that waited for their IOMMU bind now.
  for (DevId d : live_devices(s)) device_attach(s, d);
}

DevId hotplug_add(System& s, hw::pcie::FnId slot_fn) {
  s.hw.pcie.insert(slot_fn);
  Frame f(s, KFn::pciehp_configure_device);
  kernel::LockGuard rescan(s, kernel::LockClass::pci_rescan_remove_lock);
  const auto& fn = s.hw.pcie.fn(slot_fn);
  DevId bus_self = fn.parent == hw::pcie::kNoFn ? kNoDev : dev_for_fn(s, fn.parent).value_or(kNoDev);
  DevId dev;
  {
    Frame g(s, KFn::pci_scan_single_device);
    dev = setup_device(s, slot_fn, bus_self);
    device_add(s, dev);
  }
  bus_add_devices(s, {dev});
  return dev;
}

void hotplug_remove(System& s, DevId dev) {
  {
    Frame f(s, KFn::pciehp_unconfigure_device);
    kernel::LockGuard rescan(s, kernel::LockClass::pci_rescan_remove_lock);
    stop_and_remove_bus_device(s, dev);
  }
  s.hw.pcie.eject(pdev(s, dev).fn);
}

void stop_and_remove_bus_device(System& s, DevId dev) {
  Frame f(s, KFn::pci_stop_and_remove_bus_device);
  if (pdev(s, dev).state == DevState::Removed) return;
  // Children first: a bridge's subordinates, a PF's VFs.
  for (DevId d : live_devices(s))  // a copy: removing a child takes it off the list
    if (pdev(s, d).bus_self == dev && pdev(s, d).state != DevState::Removed && !pdev(s, d).is_virtfn)
      stop_and_remove_bus_device(s, d);
  if (pdev(s, dev).is_physfn && pdev(s, dev).sriov.num_vfs) disable_sriov(s, dev);
  device_release_driver(s, dev);
  {
    Frame g(s, KFn::device_del);
    iommu::bus_notify_del(s, dev);
    pdev(s, dev).state = DevState::Removed;
    auto& present = s.kernel.present_devs;
    present.erase(std::lower_bound(present.begin(), present.end(), dev));
    s.record.event(kernel::EventKind::DeviceDel, dev);
  }
}

void stop_and_remove_bus_device_locked(System& s, DevId dev) {
  Frame f(s, KFn::pci_stop_and_remove_bus_device_locked);
  kernel::LockGuard rescan(s, kernel::LockClass::pci_rescan_remove_lock);
  stop_and_remove_bus_device(s, dev);
}

std::optional<DevId> dev_for_fn(const System& s, hw::pcie::FnId fn) {
  for (DevId d : s.kernel.present_devs)
    if (s.kernel.devs[d].fn == fn) return d;
  return std::nullopt;
}

std::vector<DevId> live_devices(const System& s) {
  return s.kernel.present_devs;
}

}  // namespace atslab::pci
