#include "linux/iommu/probe.h"

#include <optional>

#include "linux/iommu/driver_ops.h"
#include "linux/iommu/group.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include <fmt/format.h>

#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/amd/amd.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/vtd/vtd.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/system.h"

namespace atslab::iommu {

using kernel::Frame;
using kernel::KFn;

namespace {
DeviceIommu& state(System& s, pci::DevId dev) {
  auto& v = s.kernel.iommu.devs;
  if (v.size() <= dev) v.resize(dev + 1);
  return v[dev];
}

// iommu_deinit_device, with the device taken out of its group first: the release domain
// tears device state (ATS, STE) down through the normal attach path (invariant 26), the
// driver lets go of the device, and the last device out frees the group's default domain.
void deinit_device(System& s, pci::DevId dev) {
  Frame g(s, KFn::iommu_deinit_device);
  GroupId gid = state(s, dev).group;
  // A driver without a release domain (6.12's SMMUv3: the tree's, or the model's configured as
  // 6.12 is) tears down in release_device.
  const bool smmu = s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu == hw::pcie::IommuKind::Smmuv3;
  const bool release_domain = !smmu ? true
                              : smmuv3_from_tree(s) ? kernel_src::smmuv3::has_release_domain()
                                                    : s.kernel.smmuv3.switches.release_domain;
  if (release_domain && !state(s, dev).attach_deferred && gid != kNoGroup) {
    DomainId rel = drv_static_domain(s, dev, state(s, dev).require_direct ? DomainType::Identity : DomainType::Blocked);
    if (rel != kNoDomain && rel != s.kernel.iommu.groups[gid].domain) {
      Frame h(s, KFn::__iommu_attach_device);
      drv_attach_dev(s, rel, dev, s.kernel.iommu.groups[gid].domain);
    }
  }
  drv_release_device(s, dev);
  if (gid != kNoGroup) {
    auto& devs = s.kernel.iommu.groups[gid].devices;
    std::erase(devs, dev);
    if (devs.empty()) {
      DomainId def = s.kernel.iommu.groups[gid].default_domain;
      s.kernel.iommu.groups[gid].domain = kNoDomain;
      if (def != kNoDomain && s.kernel.iommu.domains[def].type == DomainType::Dma) domain_free(s, def);
      s.kernel.iommu.groups[gid].default_domain = kNoDomain;
    }
  }
}
}  // namespace

bool registered_for(const System& s, pci::DevId dev) {
  auto rc = pci::pdev(s, dev).rc;
  const auto& r = s.kernel.iommu.registered;
  return rc < r.size() && r[rc] && s.hw.pcie.rc(rc).iommu != hw::pcie::IommuKind::None;
}

bool register_failed_for(const System& s, pci::DevId dev) {
  auto rc = pci::pdev(s, dev).rc;
  const auto& f = s.kernel.iommu.register_failed;
  return rc < f.size() && f[rc];
}

namespace {
// iommu_device_unregister after a failed bus_iommu_probe: every device already probed behind
// the IOMMU is released again (remove_iommu_group -> iommu_release_device), and the driver's
// own probe fails (for SMMUv3, arm_smmu_device_probe's error path disables the SMMU).
void unregister_iommu(System& s, hw::pcie::RcId rc, int err) {
  for (pci::DevId d = 0; d < s.kernel.devs.size(); ++d)
    if (pci::pdev(s, d).rc == rc && d < s.kernel.iommu.devs.size() && s.kernel.iommu.devs[d].probed) release_device(s, d);
  s.kernel.iommu.registered[rc] = false;
  if (s.kernel.iommu.register_failed.size() <= rc) s.kernel.iommu.register_failed.resize(rc + 1, false);
  s.kernel.iommu.register_failed[rc] = true;
  const auto& root = s.hw.pcie.rc(rc);
  // Under the tree's driver too: what its error path prints and the devres action's CR0 write
  // are the same (atslab's driver_register_failed does only those).
  if (root.iommu == hw::pcie::IommuKind::Smmuv3) smmuv3::device_register_failed(s, root.iommu_index, err);
}
}  // namespace

void register_iommu(System& s, hw::pcie::RcId rc) {
  auto& r = s.kernel.iommu.registered;
  if (r.size() <= rc) r.resize(rc + 1, false);
  const auto& root = s.hw.pcie.rc(rc);
  // arm_smmu_device_probe fails before iommu_device_register: no masters, now or later.
  if (root.iommu == hw::pcie::IommuKind::Smmuv3 &&
      (smmuv3_from_tree(s) ? kernel_src::smmuv3::device_probe(s, root.iommu_index, rc)
                           : smmuv3::device_probe(s, root.iommu_index, rc)) != 0)
    return;
  r[rc] = true;
  if (root.iommu == hw::pcie::IommuKind::Vtd) vtd::device_probe(s, root.iommu_index);
  if (root.iommu == hw::pcie::IommuKind::Amd) amd::device_probe(s, root.iommu_index);
  int err = 0;
  {
    Frame f(s, KFn::bus_iommu_probe);
    // probe_iommu_group: -ENODEV means "not mine" and is skipped; any other error stops the walk
    // (bus_for_each_dev), and iommu_device_register then unregisters the whole IOMMU. With the
    // 2026 core every device behind the IOMMU is probed here (iommu_init_device runs the bus's
    // dma_configure), so one device whose probe_device fails takes the others down with it.
    for (pci::DevId d = 0; d < s.kernel.devs.size() && !err; ++d) {
      const auto& p = pci::pdev(s, d);
      if (p.rc != rc || p.state == pci::DevState::Setup || p.state == pci::DevState::Removed) continue;
      int ret = probe_device(s, d);
      if (ret && ret != -ENODEV) err = ret;
    }
  }
  if (err) unregister_iommu(s, rc, err);
}

void bus_notify_add(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_bus_notifier);
  if (!registered_for(s, dev)) return;
  // iommu_probe_device holds the global probe lock around __iommu_probe_device, default domain
  // attach included. A failure is silent here (NOTIFY_DONE): the device's driver binds later
  // without an IOMMU.
  kernel::LockGuard probe_lock(s, kernel::LockClass::iommu_probe_device_lock);
  probe_device(s, dev);
}

void bus_notify_del(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_bus_notifier);
  if (registered_for(s, dev) && state(s, dev).probed) release_device(s, dev);
}

int probe_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_probe_device);
  if (state(s, dev).probed) return 0;
  // No IOMMU for it in the firmware (an IORT mapping to an ITS only, no DRHD or IVHD entry): the
  // core finds no fwspec and the device is no IOMMU's (__iommu_probe_device: -ENODEV, skipped).
  if (!s.hw.pcie.fn(pci::pdev(s, dev).fn).iommu_mapped) {
    state(s, dev).probe_error = -ENODEV;
    return -ENODEV;
  }
  // What an IOMMU driver's probe_device sees (invariant 6 compares it with release).
  bool supported = pci::ats_supported_value(s, dev);
  int ret = drv_probe_device(s, dev);
  s.record.event(kernel::EventKind::IommuProbe, dev, supported, ret);
  state(s, dev).probe_error = ret;
  if (ret) return ret;
  DeviceIommu& st = state(s, dev);
  st.probed = true;
  st.ats_supported_at_probe = supported;
  st.max_pasids = dev_iommu_get_max_pasids(s, dev);
  // ops->device_group: pci_device_group, for every modelled driver. A device that joins an
  // existing group is attached to the group's current domain (whatever it is: a VFIO owner's
  // blocking or paging domain included); a new group gets its default domain.
  GroupId gid = pci_device_group(s, dev);
  const bool fresh = gid == kNoGroup;
  if (fresh) {
    s.kernel.iommu.groups.push_back(Group{});
    gid = static_cast<GroupId>(s.kernel.iommu.groups.size() - 1);
  }
  s.kernel.iommu.groups[gid].devices.push_back(dev);
  state(s, dev).group = gid;
  {
    kernel::LockGuard lock(s, kernel::LockClass::iommu_group_mutex, gid);
    // Copies: an operation of another CPU may run inside the attach and add groups.
    const Group g = s.kernel.iommu.groups[gid];
    if (g.domain != kNoDomain) {
      // __iommu_device_set_domain(group, dev, group->domain, NULL, 0)
      const bool blocking = g.domain == g.blocking_domain || domain(s, g.domain).type == DomainType::Blocked;
      if (state(s, dev).require_direct && blocking) {
        kernel::dev_warn(s, dev, "Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping. Contact your platform vendor.");
        ret = -EINVAL;
      } else {
        ret = attach_device(s, g.domain, dev, kNoDomain);
      }
    } else if (g.default_domain == kNoDomain) {
      ret = setup_default_domain(s, gid);
    }
  }
  if (ret) {
    // __iommu_probe_device's error path (err_remove_gdev): setup_default_domain has WARNed; the
    // device leaves its group and is deinitialised like a removed one: the release domain is
    // attached over the domain whose attach just failed (the group's domain all the same), the
    // driver lets go of the device, and the default domain is freed with the empty group.
    {
      kernel::LockGuard lock(s, kernel::LockClass::iommu_group_mutex, gid);
      deinit_device(s, dev);
    }
    if (fresh) s.kernel.iommu.groups[gid] = Group{};
    DeviceIommu& again = state(s, dev);
    again.probed = false;
    again.group = kNoGroup;
    again.probe_error = ret;
    s.record.event(kernel::EventKind::IommuProbeFailed, dev, ret);
    return ret;
  }
  drv_probe_finalize(s, dev);  // ops->probe_finalize, once the device sits on its default domain
  return 0;
}

void release_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_release_device);
  s.record.event(kernel::EventKind::IommuRelease, dev, pci::ats_supported_value(s, dev));
  {
    // __iommu_group_remove_device: iommu_deinit_device runs under the group's mutex.
    GroupId gid = state(s, dev).group;
    std::optional<kernel::LockGuard> lock;
    if (gid != kNoGroup) lock.emplace(s, kernel::LockClass::iommu_group_mutex, gid);
    deinit_device(s, dev);
  }
  DeviceIommu& st = state(s, dev);
  st.probed = false;
  st.max_pasids = 0;
  st.group = kNoGroup;
}

}  // namespace atslab::iommu
