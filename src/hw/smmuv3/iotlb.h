#pragma once
// The SMMU's TLB: translations tagged by ASID (stage 1) and VMID.
// Simplification: 4 KiB entries only, no capacity limit, no walk caches.
#include <cstdint>
#include <optional>
#include <vector>

namespace atslab::hw::smmuv3 {

struct IotlbEntry {
  bool s1 = false;      // tagged by ASID (and VMID); otherwise stage-2 only, by VMID
  uint16_t asid = 0;
  uint16_t vmid = 0;
  uint64_t iova_page = 0;  // input address >> 12
  uint64_t pa_page = 0;    // output address >> 12
  bool writable = false;
  // A nested STE's combined stage-1+stage-2 entry (s1 is set): its output is the
  // final PA, not the stage-1 output (an IPA), so a lookup for a stage-1 result
  // must not find it, nor a lookup for a combined one a stage-1 entry.
  bool nested = false;
  bool operator==(const IotlbEntry&) const = default;
};

struct Iotlb {
  std::vector<IotlbEntry> entries;

  std::optional<IotlbEntry> lookup(bool s1, bool nested, uint16_t asid, uint16_t vmid, uint64_t iova) const;
  void insert(const IotlbEntry& e);
  void inv_all();
  void inv_vmid(uint16_t vmid);                       // TLBI_S12_VMALL
  void inv_s1_vmid(uint16_t vmid);                    // TLBI_NH_ALL
  void inv_asid(uint16_t asid, uint16_t vmid);        // TLBI_NH_ASID
  void inv_va(uint16_t asid, uint16_t vmid, uint64_t va, uint64_t size);  // TLBI_NH_VA
  void inv_ipa(uint16_t vmid, uint64_t ipa, uint64_t size);              // TLBI_S2_IPA
  bool operator==(const Iotlb&) const = default;
};

}  // namespace atslab::hw::smmuv3
