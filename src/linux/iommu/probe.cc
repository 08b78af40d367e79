#include "linux/iommu/probe.h"

#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "sim/system.h"

namespace atslab::iommu {

using kernel::Frame;
using kernel::KFn;

namespace {
DeviceIommu& state(System& s, pci::DevId dev) {
  auto& v = s.kernel.iommu.devs;
  if (v.size() <= dev) v.resize(dev + 1);
  return v[dev];
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
  r[rc] = true;
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
  DeviceIommu& st = state(s, dev);
  if (st.probed) return 0;
  st.probed = true;
  // What an IOMMU driver's probe_device would see; the drivers hang off this point.
  st.ats_supported_at_probe = pci::ats_supported_value(s, dev);
  s.record.event(kernel::EventKind::IommuProbe, dev, st.ats_supported_at_probe);
  return 0;
}

void release_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_release_device);
  DeviceIommu& st = state(s, dev);
  s.record.event(kernel::EventKind::IommuRelease, dev, pci::ats_supported_value(s, dev));
  st.probed = false;
}

}  // namespace atslab::iommu
