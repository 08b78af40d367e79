#pragma once
// drivers/iommu/arm/arm-smmu-v3: the driver's entry points (sections 3.4-3.7).
#include <cstdint>

#include "linux/iommu/iommu_core.h"
#include "linux/smmuv3/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

// Probe of the SMMU itself (arm_smmu_device_probe): reads its ID registers. Returns 0, or
// -ENXIO for an SMMU that translates at neither stage (it is then not registered, so no
// master probes on it).
int device_probe(System& s, uint16_t smmu, hw::pcie::RcId rc);
// arm_smmu_device_probe's error path when iommu_device_register fails (a master's probe failed in
// bus_iommu_probe): "Failed to register iommu", the probe fails with `err`, and the devres action
// arm_smmu_device_disable clears CR0, so the SMMU no longer translates (GBPA decides).
void device_register_failed(System& s, uint16_t smmu, int err);

bool ats_supported(System& s, MasterId m);  // arm_smmu_ats_supported
int probe_device(System& s, pci::DevId dev);
void release_device(System& s, pci::DevId dev);

iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type, Stage stage = Stage::S1);
// arm_smmu_domain_alloc_paging_flags with IOMMU_HWPT_ALLOC_NEST_PARENT: an UNMANAGED stage-2
// domain marked nest_parent. Its iommu domain, -EOPNOTSUPP on an SMMU without both stages
// (no ARM_SMMU_FEAT_NESTING), -ENOMEM.
int64_t domain_alloc_nest_parent(System& s, pci::DevId dev);
void domain_free(System& s, iommu::DomainId d);
// The lowest free ASID (stage 1 and SVA, one xarray) or VMID (stage 2) of the SMMU.
uint16_t lowest_free_tag(const Driver& drv, uint16_t smmu, Stage stage);
iommu::DomainId static_domain(System& s, pci::DevId dev, iommu::DomainType type);

int attach_dev(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);         // paging domains
int attach_dev_blocked(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);
int attach_dev_identity(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);

// PASIDs (pasid.cc). arm_smmu_s1_set_dev_pasid: a stage-1 paging domain on `pasid` through
// arm_smmu_set_pasid (prepare, the CD, arm_smmu_update_ste, commit); `old` is the PASID's
// previous domain (kNoDomain for a fresh attach). arm_smmu_blocking_set_dev_pasid: the PASID
// taken off `old` (its CD cleared, its ATC flushed), and the STE downgraded when it was the
// last PASID while the RID is identity or blocked. Always 0, as the kernel's.
int s1_set_dev_pasid(System& s, iommu::DomainId d, pci::DevId dev, uint32_t pasid, iommu::DomainId old);
int blocking_set_dev_pasid(System& s, iommu::DomainId blocked, pci::DevId dev, uint32_t pasid, iommu::DomainId old);
// 6.12's form of the same (ops->remove_dev_pasid, switches.remove_dev_pasid): arm_smmu_remove_dev_pasid.
void remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, iommu::DomainId old);
// arm_smmu_ssids_in_use: a CD other than CD 0 is valid in the master's table.
bool ssids_in_use(const System& s, MasterId m);

int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size);
uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size);
// arm_smmu_domain_inv_range: TLBI + sync, then ATC_INV + sync for the array's ATS entries.
void domain_inv_range(System& s, SmmuDomainId sd, uint64_t iova, uint64_t size);

MasterId master_of(const System& s, pci::DevId dev);
SmmuDomainId smmu_domain_of(const System& s, iommu::DomainId d);  // paging domains only
// to_smmu_domain_devices: the arm_smmu_domain whose devices list and invalidation array track an
// attachment of `d`: a paging domain's own, a nested domain's S2 parent, none for blocked/identity.
SmmuDomainId smmu_domain_devices(const System& s, iommu::DomainId d);
const Invs& domain_invs(const System& s, SmmuDomainId sd);

}  // namespace atslab::smmuv3
