// VT-d domains (blocked, identity, paging with a simple page map in the unit,
// hw::VtdUnit::page_tables) and attach, in scalable mode (ATS untouched by
// attach; the RID_PASID entry is written, and torn down with a whole-device-TLB
// flush) and legacy mode (ATS follows the context entry: domain_context_mapping
// / domain_context_clear).
#include <algorithm>

#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/vtd/cache_tag.h"
#include "linux/vtd/qi.h"
#include "linux/vtd/vtd.h"
#include "linux/system.h"

namespace atslab::vtd {

using kernel::Frame;
using kernel::KFn;

namespace {
DeviceDomainInfo& info(System& s, InfoId id) { return s.kernel.vtd.infos.at(id); }
bool scalable(const System& s, InfoId id) { return s.kernel.vtd.units.at(s.kernel.vtd.infos.at(id).iommu).scalable; }

void write_context(System& s, InfoId id, hw::VtdContextEntry e) {
  s.hw.vtd.at(info(s, id).iommu).context[info(s, id).rid()] = e;
  s.record.event(kernel::EventKind::VtdContextWrite, info(s, id).iommu, info(s, id).rid(), int64_t{e.present} << 8 | e.tt);
}

// Legacy mode: context entries first (TT device-TLB when the unit may serve ATS), then ATS.
void domain_context_mapping(System& s, DmarDomainId dd, InfoId id) {
  Frame f(s, KFn::domain_context_mapping);
  write_context(s, id, {true, static_cast<uint8_t>(info(s, id).ats_supported ? 1 : 0), s.kernel.vtd.domains[dd].did});
  iommu_enable_pci_ats(s, id);
}

// The whole device TLB of a device with ATS on, once its entry no longer points at the
// domain (intel_context_flush_no_pasid / devtlb_invalidation_with_pasid for RID_PASID).
void flush_whole_dev_iotlb(System& s, InfoId id) {
  const DeviceDomainInfo& in = info(s, id);
  if (!in.ats_enabled) return;
  qi_flush_dev_iotlb(s, in.iommu, in.rid(), in.pfsid, in.ats_qdep, 0, kMaxAgawPfnWidth);
  if (in.dtlb_extra_inval) qi_flush_dev_iotlb(s, in.iommu, in.rid(), in.pfsid, in.ats_qdep, 0, kMaxAgawPfnWidth);
}

// Legacy mode: the context entry goes, the device TLB is flushed, then ATS goes.
void domain_context_clear(System& s, InfoId id) {
  Frame f(s, KFn::domain_context_clear);
  write_context(s, id, {});
  flush_whole_dev_iotlb(s, id);
  iommu_disable_pci_ats(s, id);
}

// Scalable mode: the RID_PASID entry (intel_pasid_setup_second_level / _pass_through).
void write_rid_pasid(System& s, InfoId id, hw::VtdPasidEntry e) {
  s.hw.vtd.at(info(s, id).iommu).rid_pasid[info(s, id).rid()] = e;
}

// Scalable mode: intel_pasid_tear_down_entry for RID_PASID; ATS stays on, so the device
// TLB is flushed of whatever it cached through the old entry.
void pasid_tear_down_entry(System& s, InfoId id) {
  auto& table = s.hw.vtd.at(info(s, id).iommu).rid_pasid;
  auto it = table.find(info(s, id).rid());
  if (it == table.end() || !it->second.present) return;
  table.erase(it);
  flush_whole_dev_iotlb(s, id);
}

// Leaves the current domain: cache tags dropped, then the context entry cleared in legacy mode.
void device_block_translation(System& s, InfoId id) {
  Frame f(s, KFn::device_block_translation);
  iommu::DomainId old = info(s, id).domain;
  DmarDomainId dd = old == iommu::kNoDomain ? kNone : dmar_domain_of(s, old);
  if (dd != kNone) cache_tag_unassign_domain(s, dd, id);
  if (scalable(s, id))
    pasid_tear_down_entry(s, id);
  else
    domain_context_clear(s, id);
  if (dd != kNone) std::erase(s.kernel.vtd.domains[dd].devices, id);
  info(s, id).domain = iommu::kNoDomain;
}

int dmar_domain_attach_device(System& s, DmarDomainId dd, InfoId id) {
  Frame f(s, KFn::dmar_domain_attach_device);
  s.kernel.vtd.domains[dd].devices.push_back(id);
  // Legacy mode: the context entry (and with it ATS) first, so the DEVTLB tag follows the result.
  if (!scalable(s, id)) domain_context_mapping(s, dd, id);
  int ret = cache_tag_assign_domain(s, dd, id);
  if (ret) {
    // out_block_translation: no tag of this device is left, so blocking is leaving the list and the context entry.
    std::erase(s.kernel.vtd.domains[dd].devices, id);
    if (!scalable(s, id)) domain_context_clear(s, id);
    info(s, id).domain = iommu::kNoDomain;
    return ret;
  }
  if (scalable(s, id)) write_rid_pasid(s, id, {true, hw::kPgttSecondLevel, s.kernel.vtd.domains[dd].did});
  info(s, id).domain = s.kernel.vtd.domains[dd].domain;
  return 0;
}
}  // namespace

DmarDomainId dmar_domain_of(const System& s, iommu::DomainId d) {
  const auto& dom = iommu::domain(s, d);
  if (dom.driver != hw::pcie::IommuKind::Vtd || !iommu::is_paging(dom.type)) return kNone;
  return dom.priv;
}

iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type) {
  Frame f(s, KFn::intel_iommu_domain_alloc_paging);
  InfoId id = info_of(s, dev);
  if (id == kNone) return iommu::kNoDomain;
  auto& drv = s.kernel.vtd;
  DmarDomain d;
  d.iommu = info(s, id).iommu;
  d.did = drv.units[d.iommu].next_did++;
  drv.domains.push_back(d);
  DmarDomainId dd = static_cast<DmarDomainId>(drv.domains.size() - 1);
  iommu::DomainId dom = iommu::new_domain(s, {type, hw::pcie::IommuKind::Vtd, d.iommu, dd, true});
  drv.domains[dd].domain = dom;
  return dom;
}

void domain_free(System& s, iommu::DomainId d) {
  Frame f(s, KFn::intel_iommu_domain_free);
  DmarDomainId dd = dmar_domain_of(s, d);
  if (dd == kNone) return;
  s.kernel.vtd.domains[dd].live = false;
  // The page-table pages go with the domain.
  s.hw.vtd.at(s.kernel.vtd.domains[dd].iommu).page_tables.erase(s.kernel.vtd.domains[dd].did);
}

iommu::DomainId static_domain(System& s, pci::DevId dev, iommu::DomainType type) {
  InfoId id = info_of(s, dev);
  if (id == kNone) return iommu::kNoDomain;
  uint16_t unit = info(s, id).iommu;
  auto& slot = type == iommu::DomainType::Blocked ? s.kernel.vtd.blocked_domain[unit] : s.kernel.vtd.identity_domain[unit];
  if (slot == iommu::kNoDomain) slot = iommu::new_domain(s, {type, hw::pcie::IommuKind::Vtd, unit, kNone, true});
  return slot;
}

int attach_dev(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId) {
  Frame f(s, KFn::intel_iommu_attach_device);
  InfoId id = info_of(s, dev);
  DmarDomainId dd = dmar_domain_of(s, d);
  if (id == kNone || dd == kNone) return -ENODEV;
  if (s.kernel.vtd.domains[dd].iommu != info(s, id).iommu) return -EINVAL;
  device_block_translation(s, id);
  return dmar_domain_attach_device(s, dd, id);
}

int attach_dev_blocked(System& s, iommu::DomainId, pci::DevId dev, iommu::DomainId) {
  Frame f(s, KFn::blocking_domain_attach_dev);
  InfoId id = info_of(s, dev);
  if (id == kNone) return -ENODEV;
  device_block_translation(s, id);
  return 0;
}

int attach_dev_identity(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId) {
  Frame f(s, KFn::identity_domain_attach_dev);
  InfoId id = info_of(s, dev);
  if (id == kNone) return -ENODEV;
  device_block_translation(s, id);
  // Legacy pass-through context entry: translation requests are not served, so ATS stays as it is.
  if (scalable(s, id))
    write_rid_pasid(s, id, {true, hw::kPgttPassThrough, 0});
  else
    write_context(s, id, {true, 2, 0});
  info(s, id).domain = d;
  return 0;
}

int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size) {
  Frame f(s, KFn::intel_iommu_map_pages);
  DmarDomainId dd = dmar_domain_of(s, d);
  if (dd == kNone) return -EINVAL;
  const DmarDomain& dom = s.kernel.vtd.domains[dd];
  return s.hw.vtd.at(dom.iommu).page_tables[dom.did].map(iova, paddr, size);
}

uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::intel_iommu_unmap_pages);
  DmarDomainId dd = dmar_domain_of(s, d);
  if (dd == kNone) return 0;
  const DmarDomain& dom = s.kernel.vtd.domains[dd];
  uint64_t done = s.hw.vtd.at(dom.iommu).page_tables[dom.did].unmap(iova, size);
  // intel_iommu_tlb_sync: the gathered range, through the domain's cache tags.
  if (done) cache_tag_flush_range(s, dd, iova, size);
  return done;
}

}  // namespace atslab::vtd
