#include "linux/iommufd/iommufd.h"

#include <algorithm>
#include <iterator>

#include "linux/iommu/driver_ops.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/iommufd/viommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace atslab::iommufd {

using kernel::Frame;
using kernel::KFn;
using kernel::LockClass;
using kernel::LockGuard;
using kernel::LockMode;

namespace {
Iommufd& fd(System& s) { return s.kernel.iommufd; }
// The owner cookie iommufd passes to iommu_device_claim_dma_owner: the context's address.
uint32_t owner_token(CtxId ictx) { return 0x20000 + ictx; }

// A freed object's slot is reused, lowest first, as new_domain does for domains: the same live
// objects then make the same state, whatever was bound and freed before (the explorer's states
// stay few).
template <typename T, typename Free>
uint32_t slot(std::vector<T>& v, Free is_free) {
  for (size_t i = 0; i < v.size(); ++i)
    if (is_free(v[i])) return static_cast<uint32_t>(i);
  v.emplace_back();
  return static_cast<uint32_t>(v.size() - 1);
}

// iommufd_get_group: the context's iommufd_group for the device's IOMMU group, or a new one.
IgroupId get_group(System& s, CtxId ictx, iommu::GroupId g) {
  auto& igs = fd(s).igroups;
  for (IgroupId i = 0; i < igs.size(); ++i)
    if (igs[i].refs && igs[i].ictx == ictx && igs[i].group == g) {
      igs[i].refs++;
      return i;
    }
  const IgroupId i = slot(igs, [](const Igroup& ig) { return ig.refs == 0; });
  igs[i] = {.ictx = ictx, .group = g, .refs = 1};
  return i;
}
void put_group(System& s, IgroupId i) {
  if (--fd(s).igroups[i].refs == 0) fd(s).igroups[i] = {};
}

bool in(const std::vector<IdevId>& v, IdevId d) { return std::find(v.begin(), v.end(), d) != v.end(); }

// iommufd_hwpt_pasid_compat, under igroup->lock: a PASID goes only to a HWPT allocated with
// IOMMU_HWPT_ALLOC_PASID, and only while the RID's HWPT (if any) is one too; the RID goes to a
// HWPT without the flag only while no PASID of the group is attached.
int hwpt_pasid_compat(const System& s, HwptId h, IgroupId ig, uint32_t pasid) {
  const Igroup& g = s.kernel.iommufd.igroups.at(ig);
  const bool compat = s.kernel.iommufd.hwpts.at(h).pasid_compat;
  if (pasid == kNoPasid) return !compat && !g.pasid_attach.empty() ? -EINVAL : 0;
  if (!compat) return -EINVAL;
  if (g.hwpt != kNone && !s.kernel.iommufd.hwpts.at(g.hwpt).pasid_compat) return -EINVAL;
  return 0;
}

// iommufd_hw_pagetable_attach for a PASID: the group's pasid_attach entry for it, created by the
// first device (iommufd_hwpt_attach_device -> iommu_attach_device_pasid), joined by the others.
int pasid_attach(System& s, IdevId idev, HwptId h, IgroupId ig, uint32_t pasid) {
  auto& entries = fd(s).igroups[ig].pasid_attach;
  auto it = entries.find(pasid);
  if (it != entries.end() && in(it->second.devices, idev)) return -EBUSY;  // xa_insert into the device_array
  if (it != entries.end() && it->second.hwpt != h) return -EINVAL;
  if (it == entries.end()) {
    if (const int ret = hwpt_pasid_compat(s, h, ig, pasid)) return ret;
    const int ret = iommu::attach_device_pasid(s, fd(s).hwpts[h].domain, fd(s).devices.at(idev).dev, pasid);
    if (ret) return ret;
    it = entries.emplace(pasid, Attach{.hwpt = h}).first;
  }
  fd(s).hwpts[h].users++;
  it->second.devices.push_back(idev);
  return 0;
}
}  // namespace

CtxId open_ctx(System& s) {
  fd(s).ctxs.push_back({});
  return static_cast<CtxId>(fd(s).ctxs.size() - 1);
}

int64_t device_bind(System& s, CtxId ictx, pci::DevId dev) {
  Frame f(s, KFn::iommufd_device_bind);
  const iommu::GroupId g = iommu::group_of(s, dev);
  if (g == iommu::kNoGroup) return -ENODEV;  // iommufd_get_group: no iommu_group
  const IgroupId ig = get_group(s, ictx, g);
  const int ret = iommu::device_claim_dma_owner(s, dev, owner_token(ictx));
  if (ret) {
    put_group(s, ig);
    return ret;
  }
  const IdevId id = slot(fd(s).devices, [](const Device& d) { return !d.live; });
  fd(s).devices[id] = {.ictx = ictx, .dev = dev, .igroup = ig, .live = true};
  return id;
}

void device_unbind(System& s, IdevId idev) {
  Frame f(s, KFn::iommufd_device_destroy);
  // iommufd_device_pre_destroy: a vDEVICE of the device goes first.
  vdevice_destroy_of(s, idev);
  const Device d = fd(s).devices.at(idev);
  iommu::device_release_dma_owner(s, d.dev);
  put_group(s, d.igroup);
  fd(s).devices[idev] = {};
}

int64_t hwpt_alloc(System& s, IdevId idev, bool nest_parent, bool pasid_compat) {
  Frame f(s, KFn::iommufd_hwpt_paging_alloc);
  const Device d = fd(s).devices.at(idev);
  if (nest_parent && pasid_compat) return -EOPNOTSUPP;
  iommu::DomainId dom = iommu::kNoDomain;
  if (nest_parent) {
    // ops->domain_alloc_paging_flags(dev, IOMMU_HWPT_ALLOC_NEST_PARENT, NULL).
    const int64_t ret = iommu::drv_domain_alloc_nest_parent(s, d.dev);
    if (ret < 0) return ret;
    dom = static_cast<iommu::DomainId>(ret);
  } else {
    dom = iommu::domain_alloc_paging(s, d.dev);
  }
  if (dom == iommu::kNoDomain) return -ENOMEM;
  int ret = 0;
  {
    // iopt_table_add_domain: the IOAS's domains_rwsem for writing while it fills the new domain.
    LockGuard lock(s, LockClass::iopt_domains_rwsem, d.ictx);
    for (const auto& [iova, m] : std::map<uint64_t, IoasMapping>(fd(s).ctxs.at(d.ictx).ioas))
      if ((ret = iommu::map(s, dom, iova, m.paddr, m.size))) break;
  }
  if (ret) {
    iommu::domain_free(s, dom);
    return ret;
  }
  const HwptId h = slot(fd(s).hwpts, [](const Hwpt& p) { return !p.live; });
  fd(s).hwpts[h] = {.ictx = d.ictx, .domain = dom, .users = 0, .live = true, .nest_parent = nest_parent, .pasid_compat = pasid_compat};
  return h;
}

int hwpt_destroy(System& s, HwptId h) {
  if (h >= fd(s).hwpts.size() || !fd(s).hwpts[h].live) return -ENOENT;
  if (fd(s).hwpts[h].users) return -EBUSY;  // iommufd_object_remove: an attachment (or a vIOMMU) holds it
  const Hwpt p = fd(s).hwpts[h];
  if (p.viommu != kNone) {
    // iommufd_hwpt_nested_destroy: the nested domain freed, the vIOMMU's reference dropped.
    Frame f(s, KFn::iommufd_hwpt_nested_destroy);
    fd(s).hwpts[h] = {};
    fd(s).viommus.at(p.viommu).users--;
    iommu::domain_free(s, p.domain);
    return 0;
  }
  Frame f(s, KFn::iommufd_hwpt_paging_destroy);
  {
    LockGuard lock(s, LockClass::iopt_domains_rwsem, p.ictx);
    fd(s).hwpts[h] = {};
  }
  iommu::domain_free(s, p.domain);
  return 0;
}

bool device_attached(const System& s, IdevId idev) {
  const Device& d = s.kernel.iommufd.devices.at(idev);
  return in(s.kernel.iommufd.igroups.at(d.igroup).devices, idev);
}

bool device_pasid_attached(const System& s, IdevId idev, uint32_t pasid) {
  const auto& entries = s.kernel.iommufd.igroups.at(s.kernel.iommufd.devices.at(idev).igroup).pasid_attach;
  auto it = entries.find(pasid);
  return it != entries.end() && in(it->second.devices, idev);
}

int device_attach(System& s, IdevId idev, HwptId h, uint32_t pasid) {
  if (h >= fd(s).hwpts.size() || !fd(s).hwpts[h].live) return -ENOENT;  // iommufd_get_object
  Frame f(s, KFn::iommufd_hw_pagetable_attach);
  const IgroupId ig = fd(s).devices.at(idev).igroup;
  LockGuard lock(s, LockClass::iommufd_igroup_lock, ig);
  if (pasid != kNoPasid) return pasid_attach(s, idev, h, ig, pasid);
  if (in(fd(s).igroups[ig].devices, idev)) return -EBUSY;  // xa_insert into the device_array
  if (fd(s).igroups[ig].hwpt != kNone && fd(s).igroups[ig].hwpt != h) return -EINVAL;
  if (fd(s).igroups[ig].devices.empty()) {
    // Only the group's first device attaches the group; the others follow it.
    if (const int ret = hwpt_pasid_compat(s, h, ig, kNoPasid)) return ret;
    const int ret = iommu::attach_group_handle(s, fd(s).hwpts[h].domain, fd(s).igroups[ig].group);
    if (ret) return ret;
    fd(s).igroups[ig].hwpt = h;
  }
  fd(s).hwpts[h].users++;
  fd(s).igroups[ig].devices.push_back(idev);
  return 0;
}

int device_replace(System& s, IdevId idev, HwptId h, uint32_t pasid) {
  if (h >= fd(s).hwpts.size() || !fd(s).hwpts[h].live) return -ENOENT;
  Frame f(s, KFn::iommufd_device_do_replace);
  const IgroupId ig = fd(s).devices.at(idev).igroup;
  LockGuard lock(s, LockClass::iommufd_igroup_lock, ig);
  Igroup& g = fd(s).igroups[ig];
  auto entry = g.pasid_attach.find(pasid);
  const bool rid = pasid == kNoPasid;
  if (!rid && entry == g.pasid_attach.end()) return -EINVAL;  // no pasid_attach entry
  const HwptId old = rid ? g.hwpt : entry->second.hwpt;
  const std::vector<IdevId>& devices = rid ? g.devices : entry->second.devices;
  if (old == kNone || !in(devices, idev)) return -EINVAL;  // iommufd_device_is_attached
  if (old == h) return 0;
  // iommufd_hwpt_replace_device: the compat check, then the core's replace.
  if (const int ret = hwpt_pasid_compat(s, h, ig, pasid)) return ret;
  const int ret = rid ? iommu::replace_group_handle(s, g.group, fd(s).hwpts[h].domain)
                      : iommu::replace_device_pasid(s, fd(s).hwpts[h].domain, fd(s).devices.at(idev).dev, pasid);
  if (ret) return ret;
  // The device_array's references move to the new HWPT.
  const auto n = static_cast<uint32_t>(rid ? g.devices.size() : entry->second.devices.size());
  (rid ? g.hwpt : entry->second.hwpt) = h;
  fd(s).hwpts[h].users += n;
  fd(s).hwpts[old].users -= n;
  return 0;
}

void device_detach(System& s, IdevId idev, uint32_t pasid) {
  Frame f(s, KFn::iommufd_hw_pagetable_detach);
  const IgroupId ig = fd(s).devices.at(idev).igroup;
  LockGuard lock(s, LockClass::iommufd_igroup_lock, ig);
  if (pasid != kNoPasid) {
    auto& entries = fd(s).igroups[ig].pasid_attach;
    auto it = entries.find(pasid);
    if (it == entries.end() || !in(it->second.devices, idev)) return;
    const HwptId h = it->second.hwpt;
    std::erase(it->second.devices, idev);
    if (it->second.devices.empty()) {
      iommu::detach_device_pasid(s, fd(s).hwpts[h].domain, fd(s).devices.at(idev).dev, pasid);
      fd(s).igroups[ig].pasid_attach.erase(pasid);
    }
    fd(s).hwpts[h].users--;
    return;
  }
  auto& devs = fd(s).igroups[ig].devices;
  if (!in(devs, idev)) return;
  std::erase(devs, idev);
  const HwptId h = fd(s).igroups[ig].hwpt;
  if (devs.empty()) {
    iommu::detach_group_handle(s, fd(s).hwpts[h].domain, fd(s).igroups[ig].group);
    fd(s).igroups[ig].hwpt = kNone;
  }
  fd(s).hwpts[h].users--;
}

int ioas_map(System& s, CtxId ictx, uint64_t iova, uint64_t paddr, uint64_t size) {
  Frame f(s, KFn::iopt_map_pages);
  LockGuard lock(s, LockClass::iopt_domains_rwsem, ictx, LockMode::Shared);
  {  // iopt_alloc_area: no overlap with an existing area
    const auto& areas = fd(s).ctxs.at(ictx).ioas;
    auto next = areas.lower_bound(iova);
    if (next != areas.end() && next->first < iova + size) return -EEXIST;
    if (next != areas.begin() && std::prev(next)->first + std::prev(next)->second.size > iova) return -EEXIST;
  }
  std::vector<iommu::DomainId> doms;
  for (const Hwpt& p : fd(s).hwpts)  // the IOAS's paging HWPTs (a nested one's parent is among them)
    if (p.live && p.ictx == ictx && p.viommu == kNone) doms.push_back(p.domain);
  for (size_t i = 0; i < doms.size(); ++i) {
    const int ret = iommu::map(s, doms[i], iova, paddr, size);
    if (ret) {
      for (size_t j = i; j-- > 0;) iommu::unmap(s, doms[j], iova, size);
      return ret;
    }
  }
  fd(s).ctxs[ictx].ioas[iova] = {paddr, size};
  return 0;
}

int ioas_unmap(System& s, CtxId ictx, uint64_t iova) {
  Frame f(s, KFn::iopt_unmap_iova);
  LockGuard lock(s, LockClass::iopt_domains_rwsem, ictx, LockMode::Shared);
  auto it = fd(s).ctxs.at(ictx).ioas.find(iova);
  if (it == fd(s).ctxs[ictx].ioas.end()) return -ENOENT;
  const uint64_t size = it->second.size;
  std::vector<iommu::DomainId> doms;
  for (const Hwpt& p : fd(s).hwpts)
    if (p.live && p.ictx == ictx && p.viommu == kNone) doms.push_back(p.domain);
  for (iommu::DomainId d : doms) iommu::unmap(s, d, iova, size);
  fd(s).ctxs[ictx].ioas.erase(iova);
  return 0;
}

}  // namespace atslab::iommufd
