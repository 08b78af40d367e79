#pragma once
// The SMMUv3 driver's state (kernel-semantics.md 3.2): arm_smmu_device,
// arm_smmu_master, arm_smmu_domain, arm_smmu_master_domain, and the
// RCU-managed pool of invalidation arrays. All references are indices.
#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "base/cow_vector.h"
#include "linux/iommu/iommu_core.h"
#include "linux/pci/pci_dev.h"
#include "linux/smmuv3/invs.h"
#include "linux/smmuv3/io_pgtable_arm.h"
#include "policy/ats_variant.h"
#include "policy/smmu_attach_switches.h"

namespace atslab::smmuv3 {

using MasterId = uint32_t;
using SmmuDomainId = uint32_t;
using InvsId = uint32_t;  // a slot of Driver::invs_pool
inline constexpr uint32_t kNone = 0xffffffff;
// CTXDESC_LINEAR_CDMAX: log2 of the CDs a linear table holds in the kernel (64 KiB / 64).
inline constexpr uint8_t kLinearCdMax = 10;
// CTXDESC_L2_ENTRIES: the CDs of one 2-level leaf (64 KiB, the STE's S1FMT 64K_L2).
inline constexpr uint32_t kCtxdescL2Entries = 1024;

struct Smmu {  // arm_smmu_device: what the driver read from the IDRs at probe
  bool feat_ats = true;          // IDR0.ATS (and CONFIG_PCI_ATS)
  bool feat_range_inv = false;   // IDR3.RIL: range TLBIs
  bool feat_trans_s1 = true;     // IDR0.S1P: paging domains are stage 1 when it is set
  bool feat_trans_s2 = true;     // IDR0.S2P
  bool feat_2lvl_strtab = true;  // IDR0.ST_LEVEL, and more SID bits than one leaf holds
  bool feat_2lvl_cdtab = false;  // ARM_SMMU_FEAT_2_LVL_CDTAB: IDR0.CD2L
  uint8_t ssid_bits = 20;        // IDR1.SSIDSIZE: caps a master's ssid_bits
  uint8_t sid_bits = 16;         // IDR1.SIDSIZE: the stream table's size
  uint64_t pgsize_bitmap = 0x40201000;  // IDR5 granules: 4K | 2M | 1G
  bool feat_sva = true;          // ARM_SMMU_FEAT_SVA: arm_smmu_sva_supported at probe (sva.cc)
  // ARM_SMMU_FEAT_NESTING: arm_smmu_device_hw_probe sets it when both stages are implemented.
  bool feat_nesting() const { return feat_trans_s1 && feat_trans_s2; }
  bool operator==(const Smmu&) const = default;
};

struct Master {  // arm_smmu_master
  pci::DevId dev = pci::kNoDev;
  uint16_t smmu = 0;
  std::vector<uint32_t> streams;  // sorted StreamIDs
  Invs build_invs;                // scratch, capacity 2 or 2 + num_streams
  bool ats_enabled = false;       // the driver's belief that PCI ATS is on
  bool ste_ats_enabled = false;   // the installed STE has EATS = TRANS
  bool ats_prepared = false;      // series-v3: pci_prepare_ats succeeded at probe
  bool cd_table_in_ste = false;
  // 7.2: pci_ats_required said yes at probe (arm_smmu_master_prepare_ats): identity attaches
  // keep ATS on through a CD-table STE with S1DSS=BYPASS and EATS, and the CD table (S1CDMAX at
  // least 1, for S1DSS to count) is allocated at probe.
  bool ats_always_on = false;
  // arm_smmu_enable_pasid: min(log2 of the PASIDs the function supports (its PF's for a VF),
  // the SMMU's IDR1.SSIDSIZE); 0 without PASID or when pci_enable_pasid failed.
  uint8_t ssid_bits = 0;
  // cd_table (arm_smmu_ctx_desc_cfg), allocated at the first stage-1 attach or PASID attach
  // (arm_smmu_alloc_cd_ptr) or at probe for ATS always on, freed at release (cd_table.cc).
  // cdtab: cdtab_dma, the linear table or the L1 table; 0 while none is allocated.
  uint64_t cdtab = 0;
  uint8_t s1fmt = 0;     // STRTAB_STE_0_S1FMT_LINEAR (0) or _64K_L2 (2)
  uint8_t s1cdmax = 0;   // log2 of the CDs the table covers, as the STE says
  uint32_t num_ents = 0;  // linear.num_ents, or l2.num_l1_ents for a 2-level table
  // l2.l2ptrs: each L1 slot's leaf (its DMA address here, a CPU pointer in the kernel), 0: none.
  std::vector<uint64_t> l2ptrs;
  // cd_table.used_ssids: CDs other than CD 0 that are valid (arm_smmu_write_cd_entry counts
  // them); arm_smmu_ssids_in_use is used_ssids != 0.
  uint32_t used_ssids = 0;
  // Sketch 13a (SmmuAttachSwitches::attach_spares): a master_domain and an invalidation array of
  // build_invs's capacity held in reserve, taken when attach_prepare's own allocation fails.
  bool spare_master_domain = false;
  bool spare_invs = false;
  bool live = true;
  bool operator==(const Master&) const = default;
};

struct MasterDomain {  // arm_smmu_master_domain
  MasterId master = kNone;
  // The iommu_domain attached: a nested domain's entry sits on its S2 parent's list, and this
  // tells it apart from the parent's own attachments (to_smmu_domain_devices).
  iommu::DomainId domain = iommu::kNoDomain;
  uint32_t ssid = 0;
  // A nested attachment whose vSTE asked for EATS: the older design's arm_smmu_atc_inv_domain
  // flushes such a master's whole ATC on any change of the parent (the guest's IOVAs are not
  // the parent's), and arm_smmu_find_master_domain matches on it.
  bool nested_ats_flush = false;
  bool operator==(const MasterDomain&) const = default;
};

// ARM_SMMU_DOMAIN_S1, _S2, _SVA. An SVA domain is tagged by an ASID of arm_smmu_asid_xa, as a
// stage-1 domain is, but translates through the process's page table (the CD's TTB0 is the
// mm's pgd) and has no io-pgtable.
enum class Stage : uint8_t { S1, S2, Sva };
// The stages whose TLB entries and invalidations carry an ASID.
inline bool asid_tagged(Stage s) { return s != Stage::S2; }

struct SmmuDomain {  // arm_smmu_domain
  uint16_t smmu = 0;
  Stage stage = Stage::S1;
  uint16_t asid = 0, vmid = 0;
  int nr_ats_masters = 0;
  InvsId invs = kNone;  // RCU pointer
  std::vector<MasterDomain> devices;  // list_add at the head: newest first, as the kernel walks it
  iommu::DomainId domain = iommu::kNoDomain;
  IoPgtable pgtbl;  // pgtbl_ops: ARM_64_LPAE_S1 (TTB0 in the CD) or _S2 (the STE's S2TTB), in hw::memory
  // IOMMU_HWPT_ALLOC_NEST_PARENT: a stage-2 domain a vSMMU nests guests' stage 1 over. Its
  // arrays carry an S2_VMID_S1_CLEAR after the tag and ATS_FULL entries instead of ATS
  // (arm_smmu_master_build_invs: a change of the S2 must flush the guest's whole ATC).
  bool nest_parent = false;
  // An SVA domain: the mm_struct its mmu_notifier is registered on (mm::kNoMm for the others).
  uint32_t mm = 0xffffffff;
  bool live = true;
  bool operator==(const SmmuDomain&) const = default;
};

// struct arm_vsmmu (arm-smmu-v3-iommufd.c): a VM's virtual SMMU, on one physical SMMU, over a
// nest-parent S2 domain. The kernel embeds it in its iommufd_viommu; here it names it.
using VsmmuId = uint32_t;
struct Vsmmu {
  uint16_t smmu = 0;
  SmmuDomainId s2_parent = kNone;
  uint16_t vmid = 0;         // the parent's VMID (arm_vsmmu_init's FIXME: no VMID of its own yet)
  uint32_t viommu = kNone;   // the iommufd_viommu it is part of (container_of in the kernel)
  bool live = false;
  bool operator==(const Vsmmu&) const = default;
};

// struct arm_smmu_nested_domain: the guest's STE (qwords 0 and 1, as arm_smmu_validate_vste
// left them, EATS cleared) on a vSMMU, and whether the guest asked for ATS (vSTE EATS=TRANS with
// CFG S1_TRANS): the nested attach's disable_ats is its negation.
using NestedDomainId = uint32_t;
struct NestedDomain {
  VsmmuId vsmmu = kNone;
  std::array<uint64_t, 2> ste{};
  bool enable_ats = false;
  iommu::DomainId domain = iommu::kNoDomain;
  bool live = false;
  bool operator==(const NestedDomain&) const = default;
};

// RCU lifetime of an invalidation array: published, replaced (waiting for a
// grace period), reclaimed. A reader that still holds a reclaimed array is a
// use after free, reported by the checks rather than crashing the model.
enum class RcuState : uint8_t { Live, Retired, Reclaimed };
struct InvsSlot {
  Invs invs;
  RcuState state = RcuState::Live;
  uint16_t readers = 0;
  bool operator==(const InvsSlot&) const = default;
};

// Which invalidation design the driver runs (3.4): the 2026 arrays, or the
// older fast path keyed off nr_ats_masters and the devices list.
enum class InvalidationDesign : uint8_t { Invs, NrAtsMasters };

// Where the driver's table pages live in the model's physical memory (below the
// DMA buffers the workloads use, above the stream tables), and who owns them.
inline constexpr uint64_t kPagePoolBase = 0x20000000ull, kPagePoolLimit = 0x40000000ull;
inline constexpr hw::memory::Owner kOwnerIoPgtable = 0x50540000;  // + the arm_smmu_domain's index
inline constexpr hw::memory::Owner kOwnerCdTable = 0x43440000;    // + the master's index

struct Driver {
  policy::AtsPolicy policy;
  policy::SmmuAttachSwitches switches;  // fix sketches for a failing must-succeed attach (all off: the kernel)
  InvalidationDesign inv_design = InvalidationDesign::Invs;
  std::vector<Smmu> smmus;
  base::CowVector<Master> masters;  // every master ever allocated (copies share what they have not written)
  std::vector<SmmuDomain> domains;
  std::vector<InvsSlot> invs_pool;
  // How many invs_pool slots are Retired and how many Reclaimed: derived from the pool (so
  // equal pools give equal counts), kept so that a grace period and a publication cost nothing
  // when there is nothing to reclaim or reuse (stress and the explorer run one per operation).
  uint32_t nr_retired = 0, nr_reclaimed = 0;
  PagePool pages{.base = kPagePoolBase, .limit = kPagePoolLimit};  // io-pgtable and CD table pages
  std::vector<MasterId> master_of;  // by pci::DevId (dev_iommu_priv_get)
  // The static blocked and identity domains (arm_smmu_blocked_domain, arm_smmu_identity_domain), per SMMU.
  std::vector<iommu::DomainId> blocked_domain, identity_domain;
  // Nesting (arm-smmu-v3-iommufd.c): vSMMUs and nested domains, freed slots reused lowest first.
  std::vector<Vsmmu> vsmmus;
  std::vector<NestedDomain> nested_domains;
  bool operator==(const Driver&) const = default;
};

}  // namespace atslab::smmuv3
