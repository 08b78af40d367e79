#include "linux/iommu/sva.h"

#include <algorithm>
#include <cassert>

#include "linux/iommu/driver_ops.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/mm/mm.h"
#include "linux/system.h"

namespace atslab::iommu {

using kernel::Frame;
using kernel::KFn;

uint32_t alloc_global_pasid(System& s, pci::DevId dev) {
  Frame f(s, KFn::iommu_alloc_global_pasid);
  const uint32_t max = s.kernel.iommu.devs.at(dev).max_pasids;
  if (max == 0) return 0;
  // ida_alloc_range(&iommu_global_pasid_ida, IOMMU_FIRST_GLOBAL_PASID, max_pasids - 1): the lowest free.
  auto& ida = s.kernel.iommu.global_pasids;
  uint32_t pasid = 1;
  for (uint32_t used : ida)
    if (used == pasid) ++pasid;
    else if (used > pasid) break;
  if (pasid > max - 1) return 0;
  ida.insert(std::lower_bound(ida.begin(), ida.end(), pasid), pasid);
  return pasid;
}

void free_global_pasid(System& s, uint32_t pasid) {
  Frame f(s, KFn::iommu_free_global_pasid);
  if (kernel::warn_on(s, pasid == 0, "pasid == IOMMU_PASID_INVALID")) return;
  std::erase(s.kernel.iommu.global_pasids, pasid);
}

namespace {

mm::Mm& mm_of(System& s, mm::MmId id) { return s.kernel.mm.mms.at(id); }

// iommu_alloc_mm_data: the mm's PASID, allocated on its first bind and kept with the mm_struct;
// a device whose PASID space does not reach an existing one cannot use it.
int alloc_mm_data(System& s, mm::MmId id, pci::DevId dev) {
  Frame f(s, KFn::iommu_alloc_mm_data);
  const uint32_t have = mm_of(s, id).pasid;
  if (have) return have >= s.kernel.iommu.devs.at(dev).max_pasids ? -EOVERFLOW : 0;
  const uint32_t pasid = alloc_global_pasid(s, dev);
  if (pasid == 0) return -ENOSPC;
  mm_of(s, id).pasid = pasid;
  return 0;
}

GroupPasid* bond_entry(System& s, GroupId g, uint32_t pasid) {
  for (GroupPasid& p : s.kernel.iommu.groups.at(g).pasids)
    if (p.pasid == pasid) return &p;
  return nullptr;
}

// iommu_sva_domain_alloc: the driver's domain_alloc_sva, typed SVA and holding the mm.
int64_t sva_domain_alloc(System& s, pci::DevId dev, mm::MmId id) {
  Frame f(s, KFn::iommu_sva_domain_alloc);
  const int64_t d = drv_domain_alloc_sva(s, dev, id);
  if (d < 0) return d;
  Domain& dom = s.kernel.iommu.domains.at(static_cast<DomainId>(d));
  dom.type = DomainType::Sva;
  dom.mm = id;  // mmgrab
  return d;
}

}  // namespace

const GroupPasid* sva_bond(const System& s, pci::DevId dev, mm::MmId id) {
  const GroupId g = group_of(s, dev);
  if (g == kNoGroup || id == mm::kNoMm || !s.kernel.mm.mms.at(id).live) return nullptr;
  const uint32_t pasid = s.kernel.mm.mms.at(id).pasid;
  const GroupPasid* p = pasid ? group_pasid(s, g, pasid) : nullptr;
  if (!p || p->sva_users == 0 || domain(s, p->domain).mm != id) return nullptr;
  return p;
}

int sva_bind_device(System& s, pci::DevId dev, mm::MmId id) {
  Frame f(s, KFn::iommu_sva_bind_device);
  const GroupId g = group_of(s, dev);
  if (g == kNoGroup) return -ENODEV;
  kernel::LockGuard lock(s, kernel::LockClass::iommu_sva_lock);
  if (int ret = alloc_mm_data(s, id, dev)) return ret;
  const uint32_t pasid = mm_of(s, id).pasid;
  // iommu_attach_handle_get(group, pasid, IOMMU_DOMAIN_SVA): a bond of the group with this mm
  // takes a reference; the PASID holding anything else is -EBUSY.
  if (GroupPasid* p = bond_entry(s, g, pasid)) {
    const Domain& held = domain(s, p->domain);
    if (held.type != DomainType::Sva || held.mm != id) return -EBUSY;
    ++p->sva_users;
    return 0;
  }
  // The mm's SVA domains first: one of this device's IOMMU takes the attach (another IOMMU's
  // refuses it, and the next is tried).
  const std::vector<DomainId> existing = mm_of(s, id).sva_domains;
  for (DomainId d : existing) {
    if (attach_device_pasid(s, d, dev, pasid) == 0) {
      ++s.kernel.iommu.domains.at(d).users;
      bond_entry(s, g, pasid)->sva_users = 1;
      return 0;
    }
  }
  const int64_t d = sva_domain_alloc(s, dev, id);
  if (d < 0) return static_cast<int>(d);
  const DomainId dom = static_cast<DomainId>(d);
  if (int ret = attach_device_pasid(s, dom, dev, pasid)) {
    sva_domain_free(s, dom);
    return ret;
  }
  s.kernel.iommu.domains.at(dom).users = 1;
  auto& list = mm_of(s, id).sva_domains;
  list.insert(list.begin(), dom);
  bond_entry(s, g, pasid)->sva_users = 1;
  return 0;
}

void sva_unbind_device(System& s, pci::DevId dev, mm::MmId id) {
  Frame f(s, KFn::iommu_sva_unbind_device);
  kernel::LockGuard lock(s, kernel::LockClass::iommu_sva_lock);
  const GroupId g = group_of(s, dev);
  GroupPasid* p = bond_entry(s, g, mm_of(s, id).pasid);
  assert(p && p->sva_users > 0 && "iommu_sva_unbind_device without a handle: the caller checks sva_bond()");
  if (--p->sva_users > 0) return;
  // The handle's device is the one whose bind made it (handle->dev).
  const DomainId dom = p->domain;
  const pci::DevId owner = p->owner;
  detach_device_pasid(s, dom, owner, mm_of(s, id).pasid);
  if (--s.kernel.iommu.domains.at(dom).users == 0) {
    std::erase(mm_of(s, id).sva_domains, dom);
    sva_domain_free(s, dom);
  }
}

void sva_domain_free(System& s, DomainId d) {
  Frame f(s, KFn::iommu_domain_free);
  const mm::MmId id = domain(s, d).mm;
  drv_domain_free(s, d);
  s.kernel.iommu.domains.at(d).live = false;
  mm::mmdrop_if_unused(s, id);
}

void mm_pasid_drop(System& s, mm::MmId id) {
  Frame f(s, KFn::mm_pasid_drop);
  if (const uint32_t pasid = mm_of(s, id).pasid) free_global_pasid(s, pasid);
}

}  // namespace atslab::iommu
