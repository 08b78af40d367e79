#pragma once
// What arm_smmu_device_hw_probe learns from the ID registers, reduced to
// the fields ATS handling depends on.
#include <cstdint>

#include "hw/smmuv3/smmu.h"

namespace atslab::smmuv3 {

struct SmmuHwInfo {
  bool feat_ats = false;        // ARM_SMMU_FEAT_ATS (IDR0.ATS; the model assumes CONFIG_PCI_ATS)
  bool feat_pri = false;        // ARM_SMMU_FEAT_PRI
  bool feat_trans_s1 = false;   // ARM_SMMU_FEAT_TRANS_S1
  bool feat_trans_s2 = false;   // ARM_SMMU_FEAT_TRANS_S2
  bool feat_2lvl_strtab = false;
  bool feat_2lvl_cdtab = false;  // ARM_SMMU_FEAT_2_LVL_CDTAB (IDR0.CD2L)
  bool feat_range_inv = false;  // ARM_SMMU_FEAT_RANGE_INV (IDR3.RIL)
  bool feat_coherency = false;  // ARM_SMMU_FEAT_COHERENCY (IDR0.COHACC)
  unsigned asid_bits = 8;       // 16 with IDR0.ASID16
  unsigned oas = 0;             // output address bits (IDR5.OAS)
  unsigned ssid_bits = 0;
  unsigned sid_bits = 0;
  uint64_t pgsize_bitmap = 0;   // from IDR5 granules: 4K -> 4K|2M|1G, 16K -> 16K|32M, 64K -> 64K|512M
  bool operator==(const SmmuHwInfo&) const = default;
};

// STRTAB_SPLIT: SID bits resolved by one level-2 stream table (256 STEs).
inline constexpr unsigned kStrtabSplit = 8;

SmmuHwInfo device_hw_probe(const hw::smmuv3::Smmu& smmu);

}  // namespace atslab::smmuv3
