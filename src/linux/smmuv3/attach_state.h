#pragma once
// The two-phase attach's state and steps (arm_smmu_attach_state, prepare, commit and the
// invalidation-array halves they are made of), shared by the RID attaches (attach.cc) and the
// PASID attaches (pasid.cc), which the kernel builds from the same pieces.
#include <cstdint>
#include <optional>

#include "linux/iommu/iommu_core.h"
#include "linux/smmuv3/driver_state.h"
#include "linux/smmuv3/entry_make.h"
#include "linux/smmuv3/ste_make.h"

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

struct InvState {  // arm_smmu_inv_state
  SmmuDomainId sd = kNone;
  InvsId old_invs = kNone;
  std::optional<Invs> new_invs;  // new domain: the merged array to publish
  Invs to_unref;                 // old domain: the build to drop
  InvsId published = kNone;      // new domain: the slot the merged array went to
};

struct AttachState {  // arm_smmu_attach_state
  iommu::DomainId old_domain = iommu::kNoDomain;
  MasterId master = kNone;
  bool cd_needs_ats = false;
  bool disable_ats = false;
  uint32_t ssid = 0;  // IOMMU_NO_PASID for the RID, the PASID for set_dev_pasid
  InvState old_invst, new_invst;
  bool ats_enabled = false;
  // rollback variant: what to restore if pci_enable_ats fails at commit (the STE, and the CD of `ssid`)
  Ste old_ste{};
  hw::smmuv3::Entry old_cd{};
  bool added_master_domain = false;
  bool prepare_failed = false;  // sketch 13b: what arm_smmu_attach_dev falls back from
};

// arm_smmu_attach_prepare_invs: the merged array for the new domain (kNone: a domain without
// invalidations, blocked or identity) and the build to drop from the old one.
int prepare_invs(System& s, AttachState& st, SmmuDomainId new_sd);
void install_old_domain_invs(System& s, AttachState& st);
// arm_smmu_atc_inv_master: ATC_INV of `ssid` (0: the whole ATC) to every stream, then CMD_SYNC.
void atc_inv_master(System& s, MasterId m, uint32_t ssid);
void remove_master_domain(System& s, MasterId m, iommu::DomainId domain, uint32_t ssid);
// A nested domain whose vSTE asked for EATS (arm_smmu_master_domain.nested_ats_flush); false
// for every other domain.
bool nested_ats_flush(const System& s, iommu::DomainId d);
// arm_smmu_attach_prepare_vmaster (nested.cc): -ENOENT when the device has no vDEVICE on the
// nested domain's vSMMU and the vSTE translates (CFG S1_TRANS); 0 for abort and bypass vSTEs.
int attach_prepare_vmaster(System& s, AttachState& st, iommu::DomainId nested);
// arm_smmu_attach_prepare / arm_smmu_attach_commit, as the checker sees them (invariant 18).
// Commit returns non-zero only under rollback, when pci_enable_ats failed and it undid the attach.
int attach_prepare(System& s, AttachState& st, iommu::DomainId new_domain);
int attach_commit(System& s, AttachState& st, iommu::DomainId new_domain);

// arm_smmu_set_pasid: `cd` (made by the caller, its ASID put in again under arm_smmu_asid_lock)
// as CD `pasid` of the master, for domain `d` (stage 1 or SVA), between prepare and commit, with
// arm_smmu_update_ste for an identity or blocked RID. -EINVAL for another SMMU's domain or a
// stage-2 RID; -ENOMEM without a CD table; prepare's errors; commit's under rollback.
int set_pasid(System& s, MasterId m, iommu::DomainId d, uint32_t pasid, hw::smmuv3::Entry cd, iommu::DomainId old);

// The master's CD table as an STE points at it (its address, S1FMT and S1CDMAX).
MasterView cd_table_view(const System& s, MasterId m);
// arm_smmu_make_s1_cd's inputs from the domain's io-pgtable.
S1Config s1_config(const SmmuDomain& d);
// arm_smmu_make_s2_domain_ste's inputs from the domain's io-pgtable.
S2Config s2_config(const SmmuDomain& d);

}  // namespace atslab::smmuv3
