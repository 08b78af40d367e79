#include "linux/vtd/cache_tag.h"

#include <algorithm>
#include <bit>

#include "linux/kernel/printk.h"
#include "linux/vtd/qi.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

namespace atslab::vtd {

using kernel::Frame;
using kernel::KFn;

namespace {
// cache_tage_match: a tag of this type already there for the association. IOTLB tags are the
// unit's (DID, PASID); DEVTLB tags the device's (DID, PASID).
CacheTag* find_tag(DmarDomain& d, CacheTagType type, InfoId info, uint32_t pasid) {
  for (CacheTag& t : d.cache_tags)
    if (t.type == type && t.iommu == d.iommu && t.did == d.did && t.pasid == pasid &&
        (type == CacheTagType::Iotlb || t.info == info))
      return &t;
  return nullptr;
}

// cache_tag_assign for an IOTLB tag: another user of a matching tag, or a new tag.
void assign_iotlb(DmarDomain& d, uint32_t pasid) {
  if (CacheTag* t = find_tag(d, CacheTagType::Iotlb, kNone, pasid)) {
    t->users++;
    return;
  }
  d.cache_tags.push_back({CacheTagType::Iotlb, d.iommu, d.did, kNone, pasid, 1});
}

// cache_tag_unassign: one user less; the tag goes with its last user.
void unassign(DmarDomain& d, CacheTagType type, InfoId info, uint32_t pasid) {
  CacheTag* t = find_tag(d, type, info, pasid);
  if (t && --t->users == 0) d.cache_tags.erase(d.cache_tags.begin() + (t - d.cache_tags.data()));
}
}  // namespace

int cache_tag_assign_devtlb(System& s, DmarDomainId dd, InfoId info, uint32_t pasid) {
  // cache_tag_assign: the kzalloc of the tag may fail; nothing is linked then.
  if (auto err = faults::inject(s, faults::Point::CacheTagAlloc)) return *err;
  DmarDomain& d = s.kernel.vtd.domains.at(dd);
  if (CacheTag* t = find_tag(d, CacheTagType::Devtlb, info, pasid)) {
    t->users++;
    return 0;
  }
  d.cache_tags.push_back({CacheTagType::Devtlb, d.iommu, d.did, info, pasid, 1});
  return 0;
}

int cache_tag_assign_domain(System& s, DmarDomainId dd, InfoId info, uint32_t pasid) {
  Frame f(s, KFn::cache_tag_assign_domain);
  assign_iotlb(s.kernel.vtd.domains.at(dd), pasid);
  if (!s.kernel.vtd.infos.at(info).ats_enabled) return 0;
  int ret = cache_tag_assign_devtlb(s, dd, info, pasid);
  // The IOTLB tag this call took is given back: the caller fails the attach.
  if (ret) unassign(s.kernel.vtd.domains.at(dd), CacheTagType::Iotlb, info, pasid);
  return ret;
}

void cache_tag_unassign_domain(System& s, DmarDomainId dd, InfoId info, uint32_t pasid) {
  Frame f(s, KFn::cache_tag_unassign_domain);
  DmarDomain& d = s.kernel.vtd.domains.at(dd);
  unassign(d, CacheTagType::Iotlb, info, pasid);
  // Only while the device's ATS is recorded on: a DEVTLB tag is only ever assigned then.
  if (s.kernel.vtd.infos.at(info).ats_enabled) unassign(d, CacheTagType::Devtlb, info, pasid);
}

namespace {
// calculate_psi_aligned_address: the smallest naturally aligned power-of-two range of
// pages around [start, end], as a start address and a mask (log2 pages). Both the IOTLB's
// AM field and the device-IOTLB's size-bit encoding can only express such ranges.
uint64_t psi_aligned_address(uint64_t start, uint64_t end, uint8_t* mask_out) {
  const uint64_t first = start >> 12, last = end >> 12;
  const uint64_t pages = last - first + 1;
  const uint64_t aligned_pages = std::bit_ceil(pages);
  uint64_t mask = std::countr_zero(aligned_pages);
  if (first & (aligned_pages - 1)) {
    // Unaligned: grow to the lowest bit above the pages' span where first and last agree.
    const uint64_t shared = ~(first ^ last) & ~(aligned_pages - 1);
    mask = shared ? std::countr_zero(shared) : kMaxAgawPfnWidth;
  }
  *mask_out = static_cast<uint8_t>(mask);
  return mask >= 52 ? 0 : (start & ~((uint64_t{0x1000} << mask) - 1));
}
}  // namespace

void cache_tag_flush_range(System& s, DmarDomainId dd, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::cache_tag_flush_range);
  const DmarDomain& d = s.kernel.vtd.domains.at(dd);
  uint8_t order = 0;
  const uint64_t addr = psi_aligned_address(iova, iova + std::max<uint64_t>(size, 1) - 1, &order);
  std::vector<CacheTag> tags = d.cache_tags;  // the list is stable for the flush
  // The IOTLB first: a device re-walking after its ATC is flushed must not hit a stale IOTLB entry.
  for (const auto& t : tags)
    if (t.type == CacheTagType::Iotlb) {
      QiDesc q;
      q.type = QiType::Iotlb;
      q.did = t.did;
      q.addr = addr;
      q.size_order = order;
      qi_submit_sync(s, t.iommu, q);
    }
  for (const auto& t : tags)
    if (t.type == CacheTagType::Devtlb) {
      const DeviceDomainInfo& in = s.kernel.vtd.infos.at(t.info);
      // cache_tag_flush_devtlb_psi: the RID's tag without PASID, a PASID's tag with it. Neither
      // asks whether the device's ATS is on now: the tag says it was when it was assigned.
      // quirk_extra_dev_tlb_flush: the same descriptor once more.
      for (int n = in.dtlb_extra_inval ? 2 : 1; n > 0; --n) {
        if (t.pasid == 0)
          qi_flush_dev_iotlb(s, t.iommu, in.rid(), in.pfsid, in.ats_qdep, addr, order);
        else
          qi_flush_dev_iotlb_pasid(s, t.iommu, in.rid(), in.pfsid, t.pasid, in.ats_qdep, addr, order);
      }
    }
}

}  // namespace atslab::vtd
