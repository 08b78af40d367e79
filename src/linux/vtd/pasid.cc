// A domain on a device's PASID behind a scalable-mode VT-d unit (issue 18, path 7):
// intel_iommu_set_dev_pasid, blocking_domain_set_dev_pasid, domain_add/remove_dev_pasid
// (iommu.c) and the PASID table (pasid.c). 7.2.13's code; 6.12's differences are in
// docs/findings.md (finding 26).
#include "linux/vtd/pasid.h"

#include <algorithm>
#include <bit>

#include "hw/vtd_unit.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/pri_pasid.h"
#include "linux/vtd/cache_tag.h"
#include "linux/vtd/qi.h"
#include "linux/vtd/vtd.h"
#include "linux/system.h"

namespace atslab::vtd {

using kernel::Frame;
using kernel::KFn;

namespace {
constexpr int kPasidPdeShift = 6;  // PASID_PDE_SHIFT: a directory entry covers 64 PASIDs
constexpr int kPageShift = 12;

DeviceDomainInfo& info(System& s, InfoId id) { return s.kernel.vtd.infos.at(id); }

// intel_pasid_get_entry's bound: a PASID past the directory the table was allocated with is
// refused with a WARN, before any entry is read or written.
bool pasid_entry_in_table(System& s, InfoId id, uint32_t pasid) {
  Frame f(s, KFn::intel_pasid_get_entry);
  return !kernel::warn_on(s, pasid >= info(s, id).pasid_table_max,
                          "!pasid_table || pasid >= intel_pasid_get_dev_max_id(dev)");
}

// devtlb_invalidation_with_pasid: the whole of the PASID's translations in the device's ATC,
// only while ATS is recorded on and the device is still there (pci_device_is_present).
void devtlb_invalidation_with_pasid(System& s, InfoId id, uint32_t pasid) {
  const DeviceDomainInfo& in = info(s, id);
  if (!in.ats_enabled || !s.hw.pcie.fn(pci::pdev(s, in.dev).fn).present) return;
  qi_flush_dev_iotlb_pasid(s, in.iommu, in.rid(), in.pfsid, pasid, in.ats_qdep, 0, 64 - kPageShift);
}

// intel_pasid_tear_down_entry(iommu, dev, pasid, false): a present entry is cleared after the
// PASID-cache, IOTLB and device-TLB invalidations; an absent one is left alone. (The model has
// no PASID cache or unit IOTLB: the DSI IOTLB flush is recorded for its DID.)
void tear_down_entry(System& s, InfoId id, uint32_t pasid) {
  Frame f(s, KFn::intel_pasid_tear_down_entry);
  if (!pasid_entry_in_table(s, id, pasid)) return;
  auto& table = s.hw.vtd.at(info(s, id).iommu).pasid_table;
  auto it = table.find(hw::vtd_pasid_key(info(s, id).rid(), pasid));
  if (it == table.end() || !it->second.present) return;
  const uint16_t did = it->second.did;
  it->second.present = false;  // pasid_clear_present: the unit stops using it
  qi_submit_sync(s, info(s, id).iommu, QiDesc{.type = QiType::Iotlb, .did = did});
  devtlb_invalidation_with_pasid(s, id, pasid);
  table.erase(hw::vtd_pasid_key(info(s, id).rid(), pasid));  // intel_pasid_clear_entry
}

// intel_pasid_setup_second_level: the entry for `pasid` points at the domain's table (DID).
int setup_second_level(System& s, InfoId id, DmarDomainId dd, uint32_t pasid) {
  Frame f(s, KFn::intel_pasid_setup_second_level);
  if (!pasid_entry_in_table(s, id, pasid)) return -ENODEV;
  auto& table = s.hw.vtd.at(info(s, id).iommu).pasid_table;
  const uint64_t key = hw::vtd_pasid_key(info(s, id).rid(), pasid);
  if (auto it = table.find(key); it != table.end() && it->second.present) return -EBUSY;
  // A new entry: no device-TLB can hold anything for it (pasid_flush_caches flushes only
  // the PASID cache and IOTLB, in caching mode).
  table[key] = {.present = true, .pgtt = hw::kPgttSecondLevel, .did = s.kernel.vtd.domains[dd].did};
  return 0;
}

// domain_remove_dev_pasid: nothing for the identity and blocked domains (no PASID data); a
// paging domain drops the PASID from its dev_pasids and its cache tags for (device, PASID).
void domain_remove_dev_pasid(System& s, iommu::DomainId domain, InfoId id, uint32_t pasid) {
  Frame f(s, KFn::domain_remove_dev_pasid);
  if (domain == iommu::kNoDomain) return;
  const DmarDomainId dd = dmar_domain_of(s, domain);
  if (dd == kNone) return;
  auto& list = s.kernel.vtd.domains[dd].dev_pasids;
  auto it = std::find(list.begin(), list.end(), DevPasid{id, pasid});
  if (kernel::warn_on(s, it == list.end(), "!dev_pasid")) return;  // WARN_ON_ONCE
  list.erase(it);
  cache_tag_unassign_domain(s, dd, id, pasid);
}

// domain_add_dev_pasid: the cache tags (IOTLB, and DEVTLB with ATS recorded on), then the
// dev_pasid on the domain's list.
int domain_add_dev_pasid(System& s, DmarDomainId dd, InfoId id, uint32_t pasid) {
  Frame f(s, KFn::domain_add_dev_pasid);
  const int ret = cache_tag_assign_domain(s, dd, id, pasid);
  if (ret) return ret;
  s.kernel.vtd.domains[dd].dev_pasids.push_back({id, pasid});
  return 0;
}
}  // namespace

void intel_pasid_alloc_table(System& s, InfoId id) {
  DeviceDomainInfo& in = info(s, id);
  uint32_t max_pasid = 0;
  if (in.pasid_supported) {
    const int n = pci::max_pasids(s, in.dev);
    max_pasid = std::min(n > 0 ? static_cast<uint32_t>(n) : 0u, s.kernel.vtd.pasid_max_id);
  }
  // The directory: 8 bytes per 64 PASIDs, in whole pages (get_order), one page at least.
  const uint32_t size = max_pasid >> (kPasidPdeShift - 3);
  const uint32_t pages = size ? std::bit_ceil((size + (1u << kPageShift) - 1) >> kPageShift) : 1;
  const int order = std::countr_zero(pages);
  info(s, id).pasid_table_max = uint32_t{1} << (order + kPageShift + 3);
}

int set_dev_pasid(System& s, iommu::DomainId domain, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  Frame f(s, KFn::intel_iommu_set_dev_pasid);
  const InfoId id = info_of(s, dev);
  const DmarDomainId dd = dmar_domain_of(s, domain);
  if (id == kNone) return -ENODEV;
  if (kernel::warn_on(s, dd == kNone, "!(domain->type & __IOMMU_DOMAIN_PAGING)")) return -EINVAL;
  if (!s.kernel.vtd.units.at(info(s, id).iommu).pasid) return -EOPNOTSUPP;
  // paging_domain_compatible: the model's domains are one unit's.
  if (s.kernel.vtd.domains[dd].iommu != info(s, id).iommu) return -EINVAL;
  int ret = domain_add_dev_pasid(s, dd, id, pasid);
  if (ret) return ret;
  // domain_setup_second_level: from an old domain (a reset's return from the blocking
  // domain), its entry is torn down first.
  if (old != iommu::kNoDomain) tear_down_entry(s, id, pasid);
  ret = setup_second_level(s, id, dd, pasid);
  if (ret) {
    domain_remove_dev_pasid(s, domain, id, pasid);
    return ret;
  }
  domain_remove_dev_pasid(s, old, id, pasid);
  return 0;
}

int blocking_set_dev_pasid(System& s, iommu::DomainId, pci::DevId dev, uint32_t pasid, iommu::DomainId old) {
  Frame f(s, KFn::blocking_domain_set_dev_pasid);
  const InfoId id = info_of(s, dev);
  if (id == kNone) return 0;
  tear_down_entry(s, id, pasid);
  domain_remove_dev_pasid(s, old, id, pasid);
  return 0;
}

}  // namespace atslab::vtd
