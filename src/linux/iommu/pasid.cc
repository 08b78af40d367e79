#include "linux/iommu/pasid.h"
#include "linux/iommu/sva.h"

#include <algorithm>
#include <optional>

#include "linux/iommu/driver_ops.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/pri_pasid.h"
#include "linux/system.h"

namespace atslab::iommu {

using kernel::Frame;
using kernel::KFn;

DomainId driver_get_domain_for_dev(const System& s, pci::DevId dev) {
  const GroupId g = group_of(s, dev);
  if (g == kNoGroup) return kNoDomain;
  return s.kernel.iommu.devs.at(dev).blocked ? group(s, g).blocking_domain : group(s, g).domain;
}

uint32_t dev_iommu_get_max_pasids(System& s, pci::DevId dev) {
  // pci_max_pasids reads the capability only when there is one (its PF's for a VF).
  const pci::DevId pf = pci::pdev(s, dev).is_virtfn ? pci::pdev(s, dev).physfn : dev;
  if (!pci::pdev(s, pf).pasid_cap) return 0;
  const int n = pci::max_pasids(s, dev);
  return n > 0 ? std::min(static_cast<uint32_t>(n), drv_iommu_max_pasids(s, dev)) : 0;
}

const GroupPasid* group_pasid(const System& s, GroupId g, uint32_t pasid) {
  for (const GroupPasid& p : group(s, g).pasids)
    if (p.pasid == pasid) return &p;
  return nullptr;
}

namespace {

uint32_t max_pasids(const System& s, pci::DevId dev) { return s.kernel.iommu.devs.at(dev).max_pasids; }

// Taking a PASID off a device. 6.12's core calls the driver's ops->remove_dev_pasid (void) from
// __iommu_set_group_pasid's unwind and __iommu_remove_group_pasid; the 2026 core's
// iommu_remove_dev_pasid attaches the blocked domain, whose set_dev_pasid may not fail. The
// driver's ops say which core it was written for (drv_has_remove_dev_pasid).
void remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, DomainId domain) {
  if (drv_has_remove_dev_pasid(s, dev)) return drv_remove_dev_pasid(s, dev, pasid, domain);
  Frame f(s, KFn::iommu_remove_dev_pasid);
  kernel::warn_on(s, drv_blocked_set_dev_pasid(s, dev, pasid, domain) != 0,
                  "blocked_domain->ops->set_dev_pasid(blocked_domain, dev, pasid, domain)");
}

// __iommu_set_group_pasid: every member with PASIDs, in order, from `old` (kNoDomain for an
// attach). On a failure the members done so far go back: taken off the PASID (no `old`), or
// attached to `old` again, which must not fail (WARN, and then taken off).
int set_group_pasid(System& s, DomainId domain, GroupId g, uint32_t pasid, DomainId old = kNoDomain) {
  Frame f(s, KFn::__iommu_set_group_pasid);
  const std::vector<pci::DevId> devices = group(s, g).devices;  // a copy: another CPU may add to the group
  for (size_t i = 0; i < devices.size(); ++i) {
    if (max_pasids(s, devices[i]) == 0) continue;
    const int ret = drv_set_dev_pasid(s, domain, devices[i], pasid, old);
    if (ret == 0) continue;
    for (size_t j = 0; j < i; ++j) {
      if (max_pasids(s, devices[j]) == 0) continue;
      if (old == kNoDomain ||
          kernel::warn_on(s, drv_set_dev_pasid(s, old, devices[j], pasid, domain) != 0,
                          "old->ops->set_dev_pasid(old, device->dev, pasid, domain)"))
        remove_dev_pasid(s, devices[j], pasid, domain);
    }
    return ret;
  }
  return 0;
}

}  // namespace

int attach_device_pasid(System& s, DomainId dom, pci::DevId dev, uint32_t pasid) {
  Frame f(s, KFn::iommu_attach_device_pasid);
  const GroupId g = group_of(s, dev);
  if (g == kNoGroup) return -ENODEV;
  const DomainId blocked = drv_static_domain(s, dev, DomainType::Blocked);
  // 6.12 asks for set_dev_pasid alone (its drivers' remove_dev_pasid takes a PASID off); the 2026
  // core for the blocked domain's set_dev_pasid too.
  const bool can_remove = drv_has_remove_dev_pasid(s, dev) || (blocked != kNoDomain && drv_has_set_dev_pasid(s, blocked));
  if (!drv_has_set_dev_pasid(s, dom) || !can_remove) return -EOPNOTSUPP;
  // domain_iommu_ops_compatible: a domain of the device's own IOMMU driver.
  if (domain(s, dom).driver != s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu || pasid == 0) return -EINVAL;
  kernel::LockGuard lock(s, kernel::LockClass::iommu_group_mutex, g);
  // A concurrent attach during a reset: refused until pci_dev_reset_iommu_done.
  if (group(s, g).recovery_cnt) return -EBUSY;
  for (pci::DevId d : group(s, g).devices)
    if (max_pasids(s, d) > 0 && pasid >= max_pasids(s, d)) return -EINVAL;
  if (group_pasid(s, g, pasid)) return -EBUSY;  // xa_insert: the PASID is taken
  const int ret = set_group_pasid(s, dom, g, pasid);
  if (ret) return ret;
  auto& pasids = s.kernel.iommu.groups.at(g).pasids;
  pasids.push_back({pasid, dom, dev});
  std::sort(pasids.begin(), pasids.end(), [](const GroupPasid& a, const GroupPasid& b) { return a.pasid < b.pasid; });
  return 0;
}

int replace_device_pasid(System& s, DomainId dom, pci::DevId dev, uint32_t pasid) {
  Frame f(s, KFn::iommu_replace_device_pasid);
  const GroupId g = group_of(s, dev);
  if (g == kNoGroup) return -ENODEV;
  if (!drv_has_set_dev_pasid(s, dom)) return -EOPNOTSUPP;
  if (domain(s, dom).driver != s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu || pasid == 0) return -EINVAL;
  kernel::LockGuard lock(s, kernel::LockClass::iommu_group_mutex, g);
  if (group(s, g).recovery_cnt) return -EBUSY;
  // xa_cmpxchg finds no entry: nothing attached, so not a replace.
  const GroupPasid* curr = group_pasid(s, g, pasid);
  if (!curr) return -EINVAL;
  const DomainId curr_domain = curr->domain;
  // No max_pasids check here: the attach that made the entry did it.
  if (curr_domain != dom)
    if (const int ret = set_group_pasid(s, dom, g, pasid, curr_domain)) return ret;  // the PASID keeps its old domain
  for (GroupPasid& p : s.kernel.iommu.groups.at(g).pasids)
    if (p.pasid == pasid) p.domain = dom;
  return 0;
}

void detach_device_pasid(System& s, DomainId domain, pci::DevId dev, uint32_t pasid) {
  Frame f(s, KFn::iommu_detach_device_pasid);
  const GroupId g = group_of(s, dev);
  kernel::LockGuard lock(s, kernel::LockClass::iommu_group_mutex, g);
  // 6.12: __iommu_remove_group_pasid, every member with PASIDs through ops->remove_dev_pasid.
  std::optional<Frame> remove_group;
  if (drv_has_remove_dev_pasid(s, dev)) remove_group.emplace(s, KFn::__iommu_remove_group_pasid);
  // A group-level detach cannot fail: a member parked for a reset left the PASID already.
  const std::vector<pci::DevId> devices = group(s, g).devices;
  for (pci::DevId d : devices)
    if (!s.kernel.iommu.devs.at(d).blocked && max_pasids(s, d) > 0) remove_dev_pasid(s, d, pasid, domain);
  std::erase_if(s.kernel.iommu.groups.at(g).pasids, [&](const GroupPasid& p) { return p.pasid == pasid; });
}

void detach_driver_pasids(System& s, pci::DevId dev) {
  const GroupId g = group_of(s, dev);
  if (g == kNoGroup) return;
  std::vector<GroupPasid> mine;
  for (const GroupPasid& p : group(s, g).pasids)
    if (p.owner == dev) mine.push_back(p);
  for (const GroupPasid& p : mine) {
    // An SVA bond: the driver's remove() unbinds each reference it holds (iommu_sva_unbind_device).
    if (p.sva_users) {
      const mm::MmId id = domain(s, p.domain).mm;
      for (uint32_t i = 0; i < p.sva_users; ++i) sva_unbind_device(s, dev, id);
      continue;
    }
    detach_device_pasid(s, p.domain, dev, p.pasid);
    domain_free(s, p.domain);
  }
}

void reset_park_pasids(System& s, GroupId g, pci::DevId dev) {
  if (max_pasids(s, dev) == 0) return;
  const std::vector<GroupPasid> pasids = group(s, g).pasids;
  for (const GroupPasid& p : pasids) remove_dev_pasid(s, dev, p.pasid, p.domain);
}

void reset_restore_pasids(System& s, GroupId g, pci::DevId dev) {
  if (max_pasids(s, dev) == 0) return;
  const std::vector<GroupPasid> pasids = group(s, g).pasids;
  for (const GroupPasid& p : pasids)
    kernel::warn_on(s, drv_set_dev_pasid(s, p.domain, dev, p.pasid, group(s, g).blocking_domain) != 0,
                    "pasid_dom->ops->set_dev_pasid(pasid_dom, &pdev->dev, pasid, group->blocking_domain)");
}

}  // namespace atslab::iommu
