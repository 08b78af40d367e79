#pragma once
// arm-smmu-v3-sva.c: SVA domains (an ASID of arm_smmu_asid_xa, an mmu_notifier on the process's
// mm, no io-pgtable: the CD's TTB0 is the mm's pgd), their PASID attach through
// arm_smmu_set_pasid, and the notifier's two callbacks.
#include <cstdint>

#include "linux/iommu/iommu_core.h"
#include "linux/smmuv3/hw_probe.h"

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

// arm_smmu_sva_supported, at probe: coherent table walks, the CPU's page size among the SMMU's,
// an output size and ASID width at least the CPU's (the model's CPU: 4 KiB pages, 48-bit PAs,
// 16-bit ASIDs, no LPA2, BBML2 or HAFT).
bool sva_supported(const SmmuHwInfo& info);

// arm_smmu_sva_domain_alloc(dev, mm): -EOPNOTSUPP without ARM_SMMU_FEAT_SVA, -ENOSPC with no
// ASID left; else the domain (iommu_sva_domain_alloc types it), its notifier registered on `mm`.
int64_t sva_domain_alloc(System& s, pci::DevId dev, uint32_t mm);
// arm_smmu_sva_set_dev_pasid: -EOPNOTSUPP without FEAT_SVA, -EINVAL when the mm's users are gone
// (mmget_not_zero), else arm_smmu_set_pasid with arm_smmu_make_sva_cd's CD. The mmput at its end
// runs exit_mmap when the process exited meanwhile.
int sva_set_dev_pasid(System& s, iommu::DomainId d, pci::DevId dev, uint32_t pasid, iommu::DomainId old);
// arm_smmu_sva_domain_free: the ASID flushed from the SMMU (and, 2026, the ATC entries its array
// still lists), the ASID freed, the notifier put. Simplification: the SRCU-deferred
// arm_smmu_mmu_notifier_free runs at once (docs/fidelity.md).
void sva_domain_free(System& s, iommu::DomainId d);

// The mmu_notifier ops, for SMMUv3 domain `sd`. arm_smmu_mm_arch_invalidate_secondary_tlbs: the
// range [start, end) invalidated through the domain (TLBI by ASID, ATC_INV by SSID).
// arm_smmu_mm_release: every attached CD replaced by the "released" one (EPD0: DMA faults, no
// walk of the page tables about to go), then the whole domain invalidated.
void mm_arch_invalidate_secondary_tlbs(System& s, uint32_t sd, uint64_t start, uint64_t end);
void mm_release(System& s, uint32_t sd);

// 6.12's arm_smmu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA) (SmmuAttachSwitches::dev_feat_sva):
// -EINVAL unless arm_smmu_master_sva_supported (FEAT_SVA and a master with SSIDs), -ENODEV without
// a master. The IOPF half (arm_smmu_master_sva_enable_iopf) is 0 for a PCI master, which never stalls.
int dev_enable_sva(System& s, pci::DevId dev);

}  // namespace atslab::smmuv3
