#pragma once
// Nesting on the SMMUv3 (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c), as far as it
// decides ATS: a vSMMU over a nest-parent S2, nested domains made from a guest's vSTE (whose EATS
// decides the attach's disable_ats), the nested attach (one more commit-time pci_enable_ats call
// site), and the guest's ATC invalidations forwarded through the vSMMU. Return codes are the
// kernel's. Not modelled: the vEVENTQ and the vmaster's event reporting, vCMDQ (tegra241), guest
// TLBI and CFGI commands.
#include <array>
#include <cstdint>

#include "hw/smmuv3/command.h"
#include "linux/iommu/iommu_core.h"
#include "linux/smmuv3/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

// arm_smmu_get_viommu_size != 0: the device's SMMU can host a vSMMU (ARM_SMMU_FEAT_NESTING; the
// model's SMMUs are coherent, so the canwbs/S2FWB test holds).
bool vsmmu_supported(const System& s, pci::DevId dev);
// arm_vsmmu_vdevice_init (7.2): -EOPNOTSUPP for a master with more than one StreamID, since
// arm_vsmmu_vsid_to_sid maps a vSID to the master's first StreamID alone.
int vsmmu_vdevice_init(const System& s, pci::DevId dev);
// arm_vsmmu_init: a vSMMU of the device's SMMU over the nest-parent paging domain `parent`, part
// of iommufd viommu `viommu`. Its id, or -EINVAL when the parent is on another SMMU.
int64_t vsmmu_init(System& s, pci::DevId dev, iommu::DomainId parent, uint32_t viommu);

// arm_smmu_validate_vste: a vSTE without V is zeroed (an abort, ATS off); bits outside
// STRTAB_STE_{0,1}_NESTING_ALLOWED, a CFG other than abort, bypass or S1_TRANS, and an EATS other
// than ABT or TRANS are -EIO. EATS is cleared; `enable_ats` is EATS=TRANS with CFG S1_TRANS.
int validate_vste(std::array<uint64_t, 2>& vste, bool& enable_ats);
// arm_vsmmu_alloc_domain_nested: a nested domain on `vsmmu` from the guest's vSTE. Its iommu
// domain, or -EOPNOTSUPP (flags), -EIO (validate_vste).
int64_t alloc_domain_nested(System& s, VsmmuId vsmmu, uint32_t flags, std::array<uint64_t, 2> vste);
// arm_smmu_domain_nested_free.
void domain_nested_free(System& s, iommu::DomainId d);

// arm_smmu_attach_dev_nested: -EINVAL for a device of another SMMU, -EBUSY while its PASIDs are
// in use; then, for an S1_TRANS vSTE, disable_ats = !enable_ats (an abort or bypass vSTE leaves
// ATS to arm_smmu_ats_supported), prepare (its error returned: -ENOENT without a vDEVICE
// for a translating vSTE), the physical STE from the vSTE with EATS from prepare's decision,
// commit (under rollback its error: the attach undone).
int attach_dev_nested(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);

// arm_vsmmu_cache_invalidate of one guest command (arm_vsmmu_convert_user_cmd): a CMD_ATC_INV
// whose StreamID is the vSID of a vDEVICE, which is replaced by the device's physical StreamID,
// everything else forwarded as the guest wrote it, then CMD_SYNC. -EIO for an unknown vSID or
// another opcode the model does not forward. Neither the guest's nor the host's ATS state is
// looked at.
int vsmmu_cache_invalidate(System& s, VsmmuId vsmmu, hw::smmuv3::Command cmd);

}  // namespace atslab::smmuv3
