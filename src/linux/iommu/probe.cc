#include "linux/iommu/probe.h"

#include "linux/iommu/driver_ops.h"
#include "linux/iommu/iommu.h"
#include <fmt/format.h>

#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/amd/amd.h"
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
  if (!state(s, dev).attach_deferred && gid != kNoGroup) {
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

void register_iommu(System& s, hw::pcie::RcId rc) {
  auto& r = s.kernel.iommu.registered;
  if (r.size() <= rc) r.resize(rc + 1, false);
  const auto& root = s.hw.pcie.rc(rc);
  // arm_smmu_device_probe fails before iommu_device_register: no masters, now or later.
  if (root.iommu == hw::pcie::IommuKind::Smmuv3 && smmuv3::device_probe(s, root.iommu_index, rc) != 0) return;
  r[rc] = true;
  if (root.iommu == hw::pcie::IommuKind::Vtd) vtd::device_probe(s, root.iommu_index);
  if (root.iommu == hw::pcie::IommuKind::Amd) amd::device_probe(s, root.iommu_index);
  Frame f(s, KFn::bus_iommu_probe);
  for (pci::DevId d = 0; d < s.kernel.devs.size(); ++d) {
    const auto& p = pci::pdev(s, d);
    if (p.rc == rc && p.state != pci::DevState::Setup && p.state != pci::DevState::Removed) probe_device(s, d);
  }
}

void bus_notify_add(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_bus_notifier);
  if (registered_for(s, dev)) probe_device(s, dev);
}

void bus_notify_del(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_bus_notifier);
  if (registered_for(s, dev) && state(s, dev).probed) release_device(s, dev);
}

int probe_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_probe_device);
  if (state(s, dev).probed) return 0;
  // What an IOMMU driver's probe_device sees (invariant 6 compares it with release).
  bool supported = pci::ats_supported_value(s, dev);
  int ret = drv_probe_device(s, dev);
  s.record.event(kernel::EventKind::IommuProbe, dev, supported, ret);
  if (ret) return ret;
  DeviceIommu& st = state(s, dev);
  st.probed = true;
  st.ats_supported_at_probe = supported;
  // One group per function: ports enable ACS, VFs are isolated (simplification: no multi-device groups).
  Group g;
  g.devices.push_back(dev);
  s.kernel.iommu.groups.push_back(g);
  GroupId gid = static_cast<GroupId>(s.kernel.iommu.groups.size() - 1);
  state(s, dev).group = gid;
  ret = setup_default_domain(s, gid);
  if (ret) {
    // __iommu_probe_device's error path (err_remove_gdev): setup_default_domain has WARNed; the
    // device leaves its group and is deinitialised like a removed one: the release domain is
    // attached over the domain whose attach just failed (the group's domain all the same), the
    // driver lets go of the device, and the default domain is freed with the empty group.
    deinit_device(s, dev);
    s.kernel.iommu.groups[gid] = Group{};
    DeviceIommu& again = state(s, dev);
    again.probed = false;
    again.group = kNoGroup;
    s.record.event(kernel::EventKind::IommuProbeFailed, dev, ret);
    return ret;
  }
  drv_probe_finalize(s, dev);  // ops->probe_finalize, once the device sits on its default domain
  return 0;
}

void release_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_release_device);
  s.record.event(kernel::EventKind::IommuRelease, dev, pci::ats_supported_value(s, dev));
  deinit_device(s, dev);
  DeviceIommu& st = state(s, dev);
  st.probed = false;
  st.group = kNoGroup;
}

}  // namespace atslab::iommu
