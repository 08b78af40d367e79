#pragma once
// struct iommu_ops / iommu_domain_ops dispatch: the IOMMU core calls the
// driver of the device's root complex through these, as the kernel calls
// through ops pointers. A driver the model does not have answers -ENODEV.
#include <array>
#include <cstdint>

#include "hw/smmuv3/command.h"
#include "linux/iommu/iommu_core.h"

namespace atslab {
struct System;
}

namespace atslab::iommu {

// True when SMMUv3 devices are driven by the kernel tree's driver (src/kernel_src/smmuv3):
// --driver source in a build with ATSLAB_SOURCE_SMMUV3, unless the process chose atslab's
// (kernel_src::smmuv3::chosen). Otherwise atslab's own (src/linux/smmuv3).
bool smmuv3_from_tree(const System& s);
// What the checks and reports may read of the tree's driver (its masters and domains): this
// System probed it. A run of a machine without an SMMUv3 after one with it has nothing there.
bool tree_smmuv3_state_is_this_systems(const System& s);

int drv_probe_device(System& s, pci::DevId dev);
void drv_release_device(System& s, pci::DevId dev);
void drv_probe_finalize(System& s, pci::DevId dev);
// Allocates a paging domain of `type` (Dma or Unmanaged) for the device's IOMMU; kNoDomain on failure.
DomainId drv_domain_alloc_paging(System& s, pci::DevId dev, DomainType type);
void drv_domain_free(System& s, DomainId domain);
// The driver's static blocked / identity domain for the device's IOMMU.
DomainId drv_static_domain(System& s, pci::DevId dev, DomainType type);
int drv_attach_dev(System& s, DomainId domain, pci::DevId dev, DomainId old);
int drv_map(System& s, DomainId domain, uint64_t iova, uint64_t paddr, uint64_t size);
uint64_t drv_unmap(System& s, DomainId domain, uint64_t iova, uint64_t size);

// Nesting. SMMUv3 only: atslab's own vSMMU, or the tree's arm-smmu-v3-iommufd.c under --driver
// source where it is built (a 7.2 tree; kernel_src::smmuv3::has_vsmmu()); VT-d and AMD-Vi answer
// as drivers without the ops would (-EOPNOTSUPP; their nesting is not modelled, docs/fidelity.md).
// domain_alloc_paging_flags(IOMMU_HWPT_ALLOC_NEST_PARENT): the domain or a negative errno.
int64_t drv_domain_alloc_nest_parent(System& s, pci::DevId dev);
// ops->get_viommu_size(dev, IOMMU_VIOMMU_TYPE_ARM_SMMUV3) != 0.
bool drv_viommu_supported(System& s, pci::DevId dev);
// ops->viommu_init (arm_vsmmu_init) on the nest-parent domain `parent` for iommufd's vIOMMU
// `viommu`: the driver's vSMMU (iommufd's Viommu::vsmmu) or a negative errno.
int64_t drv_viommu_init(System& s, pci::DevId dev, DomainId parent, uint32_t viommu);
// The IOMMU instance (the SMMU's hw index) vSMMU `vsmmu` is on.
uint32_t drv_viommu_iommu(const System& s, uint32_t vsmmu);
// viommu->ops->vdevice_init for a vDEVICE of `dev` as the guest's `virt_id` on vSMMU `vsmmu`.
int drv_vdevice_init(System& s, uint32_t vsmmu, pci::DevId dev, uint64_t virt_id);
// viommu->ops->alloc_domain_nested from the guest's vSTE: the domain or a negative errno.
int64_t drv_viommu_alloc_domain_nested(System& s, uint32_t vsmmu, const std::array<uint64_t, 2>& vste);
// viommu->ops->cache_invalidate of one guest command: 0 or the driver's error.
int drv_viommu_cache_invalidate(System& s, uint32_t vsmmu, const hw::smmuv3::Command& cmd);

// PASIDs. domain->ops->set_dev_pasid exists for SMMUv3's paging domains and its blocked domain
// where the driver is the 2026 one (atslab's own without switches.remove_dev_pasid, a 7.2 tree;
// 6.12's has remove_dev_pasid instead), VT-d's paging and blocking domains (in legacy mode too,
// where it returns -EOPNOTSUPP) and AMD-Vi's blocked domain only (its paging domains have none:
// iommu_attach_device_pasid's -EOPNOTSUPP).
bool drv_has_set_dev_pasid(const System& s, DomainId domain);
// The device's driver takes PASIDs off through ops->remove_dev_pasid (6.12's SMMUv3 driver, the
// tree's or atslab's with switches.remove_dev_pasid), not through the blocked domain's set_dev_pasid.
bool drv_has_remove_dev_pasid(const System& s, pci::DevId dev);
// ops->remove_dev_pasid(dev, pasid, old): 6.12's, void.
void drv_remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, DomainId old);
// domain->ops->set_dev_pasid: attach `domain` to the device's `pasid`, from `old` (kNoDomain: none).
int drv_set_dev_pasid(System& s, DomainId domain, pci::DevId dev, uint32_t pasid, DomainId old);
// ops->blocked_domain->ops->set_dev_pasid: take `pasid` off `old`.
int drv_blocked_set_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, DomainId old);
// SVA. ops->domain_alloc_sva(dev, mm): the SMMUv3 driver's, atslab's or, under --driver source,
// the tree's (arm-smmu-v3-sva.c); VT-d's and AMD-Vi's SVA are not modelled: -EOPNOTSUPP, as a
// driver without the op. The domain, not yet typed SVA (iommu_sva_domain_alloc does that), or a
// negative errno.
int64_t drv_domain_alloc_sva(System& s, pci::DevId dev, uint32_t mm);
// The SVA domains' mmu_notifier ops, for subscription `sub` of an mm (Mm::notifiers: an SMMUv3
// domain of atslab's driver, or under --driver source a notifier the tree's driver registered).
void drv_mm_arch_invalidate_secondary_tlbs(System& s, uint32_t sub, uint64_t start, uint64_t end);
void drv_mm_release(System& s, uint32_t sub);
// 6.12's iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA) before a bind
// (SmmuAttachSwitches::dev_feat_sva for atslab's driver; the tree's own dev_enable_feat where it
// has one). 0 where there is no such step.
int drv_dev_enable_sva(System& s, pci::DevId dev);

// The IOMMU's own max_pasids (iommu_device.max_pasids): 1 << IDR1.SSIDSIZE for an SMMUv3 (the
// tree's driver's as it registered it); 2 << ECAP.PSS for a scalable-mode VT-d unit with PASIDs (0 in legacy
// mode); (1 << (EFR.PASmax + 1)) - 1 for an AMD-Vi IOMMU with guest translation.
uint32_t drv_iommu_max_pasids(const System& s, pci::DevId dev);

}  // namespace atslab::iommu
