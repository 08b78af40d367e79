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

int cache_tag_assign_devtlb(System& s, DmarDomainId dd, InfoId info) {
  // cache_tag_assign: the kzalloc of the tag may fail; nothing is linked then.
  if (auto err = faults::inject(s, faults::Point::CacheTagAlloc)) return *err;
  DmarDomain& d = s.kernel.vtd.domains.at(dd);
  CacheTag t;
  t.type = CacheTagType::Devtlb;
  t.iommu = d.iommu;
  t.did = d.did;
  t.info = info;
  d.cache_tags.push_back(t);
  return 0;
}

int cache_tag_assign_domain(System& s, DmarDomainId dd, InfoId info) {
  Frame f(s, KFn::cache_tag_assign_domain);
  DmarDomain& d = s.kernel.vtd.domains.at(dd);
  auto it = std::find_if(d.cache_tags.begin(), d.cache_tags.end(), [&](const CacheTag& t) {
    return t.type == CacheTagType::Iotlb && t.iommu == d.iommu && t.did == d.did;
  });
  if (it != d.cache_tags.end())
    it->users++;
  else
    d.cache_tags.push_back({CacheTagType::Iotlb, d.iommu, d.did, kNone, 1});
  if (!s.kernel.vtd.infos.at(info).ats_enabled) return 0;
  int ret = cache_tag_assign_devtlb(s, dd, info);
  if (ret) {
    // The IOTLB tag this call took is given back: the caller fails the attach.
    auto& tags = s.kernel.vtd.domains.at(dd).cache_tags;
    for (auto& t : tags)
      if (t.type == CacheTagType::Iotlb) t.users--;
    std::erase_if(tags, [](const CacheTag& t) { return t.type == CacheTagType::Iotlb && t.users == 0; });
  }
  return ret;
}

void cache_tag_unassign_domain(System& s, DmarDomainId dd, InfoId info) {
  Frame f(s, KFn::cache_tag_unassign_domain);
  auto& tags = s.kernel.vtd.domains.at(dd).cache_tags;
  std::erase_if(tags, [&](const CacheTag& t) { return t.type == CacheTagType::Devtlb && t.info == info; });
  for (auto& t : tags)
    if (t.type == CacheTagType::Iotlb) t.users--;
  std::erase_if(tags, [](const CacheTag& t) { return t.type == CacheTagType::Iotlb && t.users == 0; });
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
      qi_flush_dev_iotlb(s, t.iommu, in.rid(), in.pfsid, in.ats_qdep, addr, order);
      // quirk_extra_dev_tlb_flush: the same descriptor once more.
      if (in.dtlb_extra_inval) qi_flush_dev_iotlb(s, t.iommu, in.rid(), in.pfsid, in.ats_qdep, addr, order);
    }
}

}  // namespace atslab::vtd
