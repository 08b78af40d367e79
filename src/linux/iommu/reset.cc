#include "linux/iommu/reset.h"

#include <algorithm>

#include "linux/iommu/driver_ops.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/ats.h"
#include "linux/system.h"

namespace atslab::iommu {

using kernel::Frame;
using kernel::KFn;

namespace {
// dev_has_iommu(): the device was probed by an IOMMU and has a group.
bool has_iommu(const System& s, pci::DevId dev) {
  const auto& v = s.kernel.iommu.devs;
  return dev < v.size() && v[dev].probed && v[dev].group != kNoGroup;
}

// Whether the core does anything for this reset. The kernel asks pci_ats_supported() each
// time, in prepare and in done: a function whose support changed in between (a FINAL quirk)
// would be prepared and never done, or the reverse.
bool wanted(System& s, pci::DevId dev) { return pci::ats_supported(s, dev) && has_iommu(s, dev); }

bool in_group(const System& s, GroupId g, pci::DevId dev) {
  const auto& d = group(s, g).devices;
  return std::find(d.begin(), d.end(), dev) != d.end();
}
}  // namespace

int pci_dev_reset_iommu_prepare(System& s, pci::DevId dev) {
  if (!s.kernel.iommu.pci_dev_reset_iommu) return 0;  // 6.12: no such call in the reset paths
  Frame f(s, KFn::pci_dev_reset_iommu_prepare);
  if (!wanted(s, dev)) return 0;
  const GroupId g = s.kernel.iommu.devs[dev].group;
  kernel::LockGuard lock(s, kernel::LockClass::iommu_group_mutex, g);
  if (kernel::warn_on(s, !in_group(s, g, dev), "!gdev")) return -ENODEV;
  if (s.kernel.iommu.devs.at(dev).reset_depth++) return 0;
  // __iommu_group_alloc_blocking_domain: the driver's static blocked domain.
  if (group(s, g).blocking_domain == kNoDomain) {
    const DomainId b = drv_static_domain(s, dev, DomainType::Blocked);
    if (b == kNoDomain) {
      s.kernel.iommu.devs.at(dev).reset_depth--;
      return -ENOMEM;
    }
    s.kernel.iommu.groups.at(g).blocking_domain = b;
  }
  // The device moves to the blocking domain; group->domain stays what it was.
  if (group(s, g).domain != group(s, g).blocking_domain) {
    const int ret = attach_device(s, group(s, g).blocking_domain, dev, group(s, g).domain);
    if (ret) {
      s.kernel.iommu.devs.at(dev).reset_depth--;
      return ret;
    }
  }
  s.kernel.iommu.devs.at(dev).blocked = true;
  // The PASIDs too are parked on the blocked domain; the pasid_array keeps their domains.
  reset_park_pasids(s, g, dev);
  s.kernel.iommu.groups.at(g).recovery_cnt++;
  return 0;
}

void pci_dev_reset_iommu_done(System& s, pci::DevId dev) {
  if (!s.kernel.iommu.pci_dev_reset_iommu) return;
  Frame f(s, KFn::pci_dev_reset_iommu_done);
  if (!wanted(s, dev)) return;
  const GroupId g = s.kernel.iommu.devs[dev].group;
  kernel::LockGuard lock(s, kernel::LockClass::iommu_group_mutex, g);
  if (kernel::warn_on(s, !in_group(s, g, dev), "!gdev")) return;
  if (kernel::warn_on(s, s.kernel.iommu.devs.at(dev).reset_depth == 0, "gdev->reset_depth == 0")) return;
  if (--s.kernel.iommu.devs.at(dev).reset_depth) return;
  if (kernel::warn_on(s, group(s, g).blocking_domain == kNoDomain, "!group->blocking_domain")) return;
  // Back to group->domain, whatever it became meanwhile (a must-succeed change skipped this
  // device); left on the blocking domain if the group has no domain yet.
  const DomainId cur = group(s, g).domain, blocking = group(s, g).blocking_domain;
  if (cur != kNoDomain && cur != blocking)
    kernel::warn_on(s, attach_device(s, cur, dev, blocking) != 0,
                    "__iommu_attach_device(group->domain, &pdev->dev, group->blocking_domain)");
  s.kernel.iommu.devs.at(dev).blocked = false;
  // Then each PASID back to the domain the pasid_array kept, from the blocking domain.
  reset_restore_pasids(s, g, dev);
  if (!kernel::warn_on(s, group(s, g).recovery_cnt == 0, "group->recovery_cnt == 0")) s.kernel.iommu.groups.at(g).recovery_cnt--;
}

}  // namespace atslab::iommu
