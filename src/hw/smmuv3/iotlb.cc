#include "hw/smmuv3/iotlb.h"

#include <algorithm>

namespace atslab::hw::smmuv3 {

std::optional<IotlbEntry> Iotlb::lookup(bool s1, bool nested, uint16_t asid, uint16_t vmid, uint64_t iova) const {
  for (const auto& e : entries)
    if (e.s1 == s1 && e.nested == nested && e.vmid == vmid && (!s1 || e.asid == asid) && e.iova_page == (iova >> 12)) return e;
  return std::nullopt;
}

void Iotlb::insert(const IotlbEntry& e) {
  std::erase_if(entries, [&](const IotlbEntry& x) {
    return x.s1 == e.s1 && x.nested == e.nested && x.vmid == e.vmid && x.asid == e.asid && x.iova_page == e.iova_page;
  });
  entries.push_back(e);
}

void Iotlb::inv_all() { entries.clear(); }

void Iotlb::inv_vmid(uint16_t vmid) {
  std::erase_if(entries, [&](const IotlbEntry& x) { return x.vmid == vmid; });
}

void Iotlb::inv_s1_vmid(uint16_t vmid) {
  std::erase_if(entries, [&](const IotlbEntry& x) { return x.s1 && x.vmid == vmid; });
}

void Iotlb::inv_asid(uint16_t asid, uint16_t vmid) {
  std::erase_if(entries, [&](const IotlbEntry& x) { return x.s1 && x.asid == asid && x.vmid == vmid; });
}

void Iotlb::inv_va(uint16_t asid, uint16_t vmid, uint64_t va, uint64_t size) {
  const uint64_t first = va >> 12, last = (va + (size ? size : 1) - 1) >> 12;
  std::erase_if(entries, [&](const IotlbEntry& x) {
    return x.s1 && x.asid == asid && x.vmid == vmid && x.iova_page >= first && x.iova_page <= last;
  });
}

void Iotlb::inv_ipa(uint16_t vmid, uint64_t ipa, uint64_t size) {
  const uint64_t first = ipa >> 12, last = (ipa + (size ? size : 1) - 1) >> 12;
  std::erase_if(entries, [&](const IotlbEntry& x) {
    return !x.s1 && x.vmid == vmid && x.iova_page >= first && x.iova_page <= last;
  });
}

}  // namespace atslab::hw::smmuv3
