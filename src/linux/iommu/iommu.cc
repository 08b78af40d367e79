#include "linux/iommu/iommu.h"

#include "linux/iommu/driver_ops.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace atslab::iommu {

using kernel::Frame;
using kernel::KFn;
using kernel::LockClass;
using kernel::LockGuard;

GroupId group_of(const System& s, pci::DevId dev) {
  const auto& v = s.kernel.iommu.devs;
  return dev < v.size() ? v[dev].group : kNoGroup;
}
const Group& group(const System& s, GroupId g) { return s.kernel.iommu.groups.at(g); }
const Domain& domain(const System& s, DomainId d) { return s.kernel.iommu.domains.at(d); }

DomainId new_domain(System& s, const Domain& d) {
  // A freed domain's memory is reused, lowest first, as an allocator would: the same live
  // domains then give the same state whatever was allocated and freed before.
  auto& doms = s.kernel.iommu.domains;
  for (size_t i = 0; i < doms.size(); ++i)
    if (!doms[i].live) {
      doms[i] = d;
      return static_cast<DomainId>(i);
    }
  doms.push_back(d);
  return static_cast<DomainId>(doms.size() - 1);
}

int attach_device(System& s, DomainId d, pci::DevId dev, DomainId old) {
  Frame f(s, KFn::__iommu_attach_device);
  int ret = drv_attach_dev(s, d, dev, old);
  if (ret == 0) s.kernel.iommu.devs.at(dev).attach_deferred = false;
  return ret;
}

namespace {
Group& grp(System& s, GroupId g) { return s.kernel.iommu.groups.at(g); }

// __iommu_device_set_domain (inlined in the kernel: no frame of its own, as in the seed's trace).
int device_set_domain(System& s, GroupId g, pci::DevId dev, DomainId new_dom, DomainId old, unsigned flags) {
  const DeviceIommu& di = s.kernel.iommu.devs.at(dev);
  DomainType t = domain(s, new_dom).type;
  if (di.require_direct && (t == DomainType::Blocked || new_dom == group(s, g).blocking_domain)) {
    kernel::dev_warn(s, dev, "Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping. Contact your platform vendor.");
    return -EINVAL;
  }
  if (di.attach_deferred && new_dom == group(s, g).default_domain) return 0;
  int ret = attach_device(s, new_dom, dev, old);
  if (ret) {
    // With MUST_SUCCEED the device is parked on the blocking domain instead.
    if ((flags & kSetDomainMustSucceed) && group(s, g).blocking_domain != kNoDomain && group(s, g).blocking_domain != new_dom)
      attach_device(s, group(s, g).blocking_domain, dev, old);
    return ret;
  }
  return 0;
}
}  // namespace

int group_set_domain_internal(System& s, GroupId g, DomainId new_dom, unsigned flags) {
  Frame f(s, KFn::__iommu_group_set_domain_internal);
  if (group(s, g).domain == new_dom) return 0;
  if (kernel::warn_on(s, new_dom == kNoDomain, "!new_domain")) return -EINVAL;
  if (group(s, g).recovery_cnt && !(flags & kSetDomainMustSucceed)) return -EBUSY;
  DomainId old = group(s, g).domain;
  std::vector<pci::DevId> done;
  int result = 0;
  for (pci::DevId dev : group(s, g).devices) {
    // A device being reset stays on the blocking domain; pci_dev_reset_iommu_done attaches it
    // to the group's domain as it is then.
    if (s.kernel.iommu.devs.at(dev).blocked) continue;
    int ret = device_set_domain(s, g, dev, new_dom, old, flags);
    if (ret) {
      result = ret;
      if (flags & kSetDomainMustSucceed) continue;
      // Put back the devices already switched; a failed revert is a kernel bug.
      for (pci::DevId back : done)
        kernel::warn_on(s, device_set_domain(s, g, back, old, new_dom, kSetDomainMustSucceed) != 0,
                        "__iommu_device_set_domain(group, dev, old, new, IOMMU_SET_DOMAIN_MUST_SUCCEED)");
      return ret;
    }
    done.push_back(dev);
  }
  grp(s, g).domain = new_dom;
  return result;
}

void group_set_domain_nofail(System& s, GroupId g, DomainId new_dom) {
  kernel::warn_on(s, group_set_domain_internal(s, g, new_dom, kSetDomainMustSucceed) != 0,
                  "__iommu_group_set_domain_internal(group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED)");
}

namespace {
// iommu_get_default_domain_type: an untrusted device (behind an external-facing port)
// always gets DMA translation; asking for anything else fails.
std::optional<DomainType> default_domain_type(const System& s, GroupId g, std::optional<DomainType> target) {
  bool untrusted = false;
  for (pci::DevId d : group(s, g).devices) untrusted |= s.kernel.devs.at(d).untrusted;
  if (untrusted) {
    if (target && *target != DomainType::Dma) return std::nullopt;
    return DomainType::Dma;
  }
  if (target) return target;
  return s.kernel.iommu.default_identity ? DomainType::Identity : DomainType::Dma;
}

// A default domain the core allocated (DMA paging) is freed with it; the drivers' static
// identity and blocking domains are never freed.
void free_default_domain(System& s, DomainId d) {
  if (d != kNoDomain && domain(s, d).type == DomainType::Dma) domain_free(s, d);
}
}  // namespace

int setup_default_domain(System& s, GroupId g, std::optional<DomainType> target) {
  Frame f(s, KFn::iommu_setup_default_domain);
  auto type = default_domain_type(s, g, target);
  if (!type) return -EINVAL;
  pci::DevId dev = group(s, g).devices.front();
  DomainId d = *type == DomainType::Identity ? drv_static_domain(s, dev, DomainType::Identity)
                                             : drv_domain_alloc_paging(s, dev, DomainType::Dma);
  if (d == kNoDomain) return -ENOMEM;
  const DomainId old = group(s, g).default_domain;
  if (d == old) return 0;
  grp(s, g).default_domain = d;  // early: the release after a failed first attach frees it with the group
  if (group(s, g).domain == kNoDomain) {
    // The first attach, at probe. Drivers may not fail it, so it is must-succeed: the group's
    // domain becomes `d` whatever the driver returned, and a failure is a kernel bug (WARN).
    // The caller then fails the probe and releases the device.
    int ret = group_set_domain_internal(s, g, d, kSetDomainMustSucceed);
    kernel::warn_on(s, ret != 0, "ret");
    return ret;
  }
  int ret = group_set_domain_internal(s, g, d, 0);  // __iommu_group_set_domain: reverts the group itself on failure
  if (ret) {
    grp(s, g).default_domain = old;
    free_default_domain(s, d);
    return ret;
  }
  free_default_domain(s, old);
  return 0;
}

int group_store_type(System& s, GroupId g, std::optional<DomainType> target) {
  Frame f(s, KFn::iommu_group_store_type);
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  const Group& gr = group(s, g);
  if (gr.default_domain == kNoDomain) return -EINVAL;
  // Only a group nobody uses may change type: no bound driver using the DMA API, no owner.
  if (gr.devices.empty() || gr.owner_cnt) return -EPERM;
  return setup_default_domain(s, g, target);
}

namespace {
// __iommu_take_dma_ownership
int take_dma_ownership(System& s, GroupId g, uint32_t owner) {
  Frame f(s, KFn::__iommu_take_dma_ownership);
  const Group& gr = group(s, g);
  if (gr.domain != kNoDomain && gr.domain != gr.default_domain) return -EBUSY;
  if (!gr.pasids.empty()) return -EBUSY;
  if (gr.blocking_domain == kNoDomain) grp(s, g).blocking_domain = drv_static_domain(s, gr.devices.front(), DomainType::Blocked);
  // __iommu_group_set_domain (inline): may fail, and then nothing changed.
  int ret = group_set_domain_internal(s, g, group(s, g).blocking_domain, 0);
  if (ret) return ret;
  grp(s, g).owner = owner;
  grp(s, g).owner_cnt++;
  return 0;
}
}  // namespace

int group_claim_dma_owner(System& s, GroupId g, uint32_t owner) {
  Frame f(s, KFn::iommu_group_claim_dma_owner);
  if (kernel::warn_on(s, owner == 0, "!owner")) return -EINVAL;
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  if (group(s, g).owner_cnt) return -EPERM;
  return take_dma_ownership(s, g, owner);
}

namespace {
// __iommu_release_dma_ownership, under the group mutex.
void release_dma_ownership(System& s, GroupId g) {
  Frame g2(s, KFn::__iommu_release_dma_ownership);
  const Group& gr = group(s, g);
  if (kernel::warn_on(s, !gr.owner_cnt || !gr.owner || !gr.pasids.empty(), "!group->owner_cnt || !group->owner || !xa_empty(&group->pasid_array)"))
    return;
  grp(s, g).owner_cnt = 0;
  grp(s, g).owner = 0;
  group_set_domain_nofail(s, g, group(s, g).default_domain);
}
}  // namespace

void group_release_dma_owner(System& s, GroupId g) {
  Frame f(s, KFn::iommu_group_release_dma_owner);
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  release_dma_ownership(s, g);
}

int device_claim_dma_owner(System& s, pci::DevId dev, uint32_t owner) {
  Frame f(s, KFn::iommu_device_claim_dma_owner);
  if (kernel::warn_on(s, owner == 0, "!owner")) return -EINVAL;
  const GroupId g = group_of(s, dev);
  if (g == kNoGroup) return -ENODEV;
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  if (group(s, g).owner_cnt) {
    // A kernel driver using the default domain counts with owner 0: a different owner too.
    if (group(s, g).owner != owner) return -EPERM;
    grp(s, g).owner_cnt++;
    return 0;
  }
  return take_dma_ownership(s, g, owner);
}

void device_release_dma_owner(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_device_release_dma_owner);
  const GroupId g = group_of(s, dev);
  if (g == kNoGroup) return;
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  if (group(s, g).owner_cnt > 1) {
    grp(s, g).owner_cnt--;
    return;
  }
  release_dma_ownership(s, g);
}

namespace {
// __iommu_attach_group, under the group mutex: only from the core's own domains.
int attach_group_locked(System& s, DomainId d, GroupId g) {
  const Group& gr = group(s, g);
  if (gr.domain != kNoDomain && gr.domain != gr.default_domain && gr.domain != gr.blocking_domain) return -EBUSY;
  return group_set_domain_internal(s, g, d, 0);
}

// __iommu_group_set_core_domain, under the group mutex: the blocking domain while an owner holds
// the group, else the default domain.
void set_core_domain(System& s, GroupId g) {
  DomainId core = group(s, g).owner ? group(s, g).blocking_domain : group(s, g).default_domain;
  group_set_domain_nofail(s, g, core);
}
}  // namespace

int attach_group_handle(System& s, DomainId d, GroupId g) {
  Frame f(s, KFn::iommu_attach_group_handle);
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  return attach_group_locked(s, d, g);
}

void detach_group_handle(System& s, DomainId, GroupId g) {
  Frame f(s, KFn::iommu_detach_group_handle);
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  set_core_domain(s, g);
}

int replace_group_handle(System& s, GroupId g, DomainId new_dom) {
  Frame f(s, KFn::iommu_replace_group_handle);
  if (new_dom == kNoDomain) return -EINVAL;
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  // __iommu_group_set_domain: a failed switch puts every device back on the old domain.
  return group_set_domain_internal(s, g, new_dom, 0);
}

int device_use_default_domain(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_device_use_default_domain);
  GroupId g = group_of(s, dev);
  if (g == kNoGroup) return 0;
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  const Group& gr = group(s, g);
  if (gr.owner_cnt && (gr.domain != gr.default_domain || gr.owner || !gr.pasids.empty())) return -EBUSY;
  grp(s, g).owner_cnt++;
  return 0;
}

void device_unuse_default_domain(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_device_unuse_default_domain);
  GroupId g = group_of(s, dev);
  if (g == kNoGroup) return;
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  if (!kernel::warn_on(s, group(s, g).owner_cnt == 0 || group(s, g).owner, "!group->owner_cnt || group->owner"))
    grp(s, g).owner_cnt--;
}

int attach_group(System& s, DomainId d, GroupId g) {
  Frame f(s, KFn::iommu_attach_group);
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  return attach_group_locked(s, d, g);
}

void detach_group(System& s, DomainId, GroupId g) {
  Frame f(s, KFn::iommu_detach_group);
  LockGuard lock(s, LockClass::iommu_group_mutex, g);
  set_core_domain(s, g);
}

DomainId domain_alloc_paging(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_paging_domain_alloc);
  return drv_domain_alloc_paging(s, dev, DomainType::Unmanaged);
}

void domain_free(System& s, DomainId d) {
  Frame f(s, KFn::iommu_domain_free);
  drv_domain_free(s, d);
  s.kernel.iommu.domains.at(d).live = false;
}

int map(System& s, DomainId d, uint64_t iova, uint64_t paddr, uint64_t size) {
  Frame f(s, KFn::iommu_map);
  return drv_map(s, d, iova, paddr, size);
}

uint64_t unmap(System& s, DomainId d, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::iommu_unmap);
  s.kernel.iommu.unmapping.push_back({d, iova, size});
  const uint64_t ret = drv_unmap(s, d, iova, size);
  std::erase(s.kernel.iommu.unmapping, UnmapInFlight{d, iova, size});
  return ret;
}

bool unmap_in_flight(const System& s, DomainId d, uint64_t iova) {
  for (const UnmapInFlight& u : s.kernel.iommu.unmapping)
    if (u.domain == d && iova >= u.iova && iova - u.iova < u.size) return true;
  return false;
}

std::string_view name(DomainType t) {
  switch (t) {
    case DomainType::Blocked: return "blocked";
    case DomainType::Identity: return "identity";
    case DomainType::Dma: return "dma";
    case DomainType::Unmanaged: return "unmanaged";
    case DomainType::Nested: return "nested";
    case DomainType::Sva: return "sva";
  }
  return "?";
}

}  // namespace atslab::iommu
