#pragma once
// The driver's STE and CD makers (arm_smmu_make_*_ste, arm_smmu_make_s1_cd,
// arm_smmu_make_sva_cd). Simplification: the master, CD table and domain are
// reduced to the few values the makers read.
#include <array>
#include <cstdint>

#include "hw/smmuv3/entry.h"

namespace atslab::smmuv3 {

using hw::smmuv3::Entry;

// The ARM_SMMU_FEAT_* bits the makers consult.
struct SmmuFeatures {
  bool stalls = false;           // ARM_SMMU_FEAT_STALLS
  bool stall_force = false;      // ARM_SMMU_FEAT_STALL_FORCE
  bool attr_types_ovr = false;   // ARM_SMMU_FEAT_ATTR_TYPES_OVR
  bool e2h = false;              // ARM_SMMU_FEAT_E2H
};

// What the makers read from arm_smmu_master and its cd_table.
struct MasterView {
  bool stall_enabled = false;
  uint64_t cdtab_dma = 0;
  uint8_t s1fmt = 0;    // STRTAB_STE_0_S1FMT_*
  uint8_t s1cdmax = 0;  // log2 of the number of CDs; FIELD_PREP keeps 5 bits
};

// The io-pgtable's stage-2 configuration (VTCR fields, VTTBR) and the domain's VMID.
struct S2Config {
  uint16_t vmid = 0;
  uint8_t tsz = 0, sl = 0, irgn = 0, orgn = 0, sh = 0, tg = 0, ps = 0;
  uint64_t vttbr = 0;
  bool s2fwb = false;  // IO_PGTABLE_QUIRK_ARM_S2FWB
};

// The io-pgtable's stage-1 configuration.
struct S1Config {
  uint16_t asid = 0;
  uint8_t tsz = 0, tg = 0, irgn = 0, orgn = 0, sh = 0, ips = 0;
  uint64_t ttbr = 0;
  uint64_t mair = 0;
  bool hd = false;  // IO_PGTABLE_QUIRK_ARM_HD
};

Entry make_abort_ste();
Entry make_bypass_ste(const SmmuFeatures& smmu);
Entry make_cdtable_ste(const SmmuFeatures& smmu, const MasterView& master, bool ats_enabled, uint64_t s1dss);
Entry make_s2_domain_ste(const SmmuFeatures& smmu, const MasterView& master, const S2Config& s2,
                         bool ats_enabled);
Entry make_s1_cd(const MasterView& master, const S1Config& s1);
// arm_smmu_make_nested_domain_ste: the physical STE for a guest's vSTE (qwords 0 and 1, EATS
// cleared) over the S2 parent: a vSTE without V or with CFG abort gives an abort STE, CFG bypass
// the S2 alone, CFG S1_TRANS a nested STE (the S2, the guest's CD table fields, MEV), EATS from
// `ats_enabled` in both translating cases (arm_smmu_make_s2_domain_ste sets it).
Entry make_nested_domain_ste(const SmmuFeatures& smmu, const MasterView& master, const S2Config& s2,
                             const std::array<uint64_t, 2>& vste, bool ats_enabled);

// arm_smmu_make_sva_cd. `has_mm` false is the "released" CD (EPD0, no TTB0).
struct SvaConfig {
  bool has_mm = true;
  uint16_t asid = 0;
  uint8_t ips = 0;      // the CPU's PARange
  uint8_t va_bits = 48;
  uint8_t tg0 = 0;      // CPU page-size encoding: 4K=0, 64K=1, 16K=2
  uint64_t pgd_pa = 0;
  uint64_t mair = 0;
};
Entry make_sva_cd(const SmmuFeatures& smmu, const MasterView& master, const SvaConfig& sva);

}  // namespace atslab::smmuv3
