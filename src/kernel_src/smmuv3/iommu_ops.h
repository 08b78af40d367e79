#pragma once
// The tree's SMMUv3 driver reached through its iommu_ops, as atslab's IOMMU
// core reaches a driver (ATSLAB_SOURCE_SMMUV3 builds). Each call loads the
// struct pci_devs from the System, calls the driver under the kernel::Frame
// of the op, writes the fields back and mirrors the DMA memory the CPU wrote
// into hw::memory. atslab's IOMMU core reaches these through iommu_driver.h.
#include <cstdint>

#include "linux/pci/pci_dev.h"

struct iommu_domain;  // the tree's, opaque here: a handle the driver gave
struct mm_struct;     // likewise (linux/mm_types.h), one per mm of atslab's mm model
struct mmu_notifier;

namespace atslab {
struct System;
}

namespace atslab::kernel_src {

// iommu_ops->probe_device: 0 or the driver's error.
int smmuv3_probe_device(System& s, pci::DevId dev);
void smmuv3_release_device(System& s, pci::DevId dev);

// iommu_paging_domain_alloc for the device's SMMU: the driver's domain, or nullptr with *err.
iommu_domain* smmuv3_domain_alloc_paging(System& s, pci::DevId dev, bool dma, int* err);
// The driver's static blocked or identity domain.
iommu_domain* smmuv3_static_domain(System& s, bool blocked);
// __iommu_attach_device: the domain's attach_dev; on success the device's current domain.
int smmuv3_attach_dev(System& s, iommu_domain* domain, pci::DevId dev);
// iommu_map / iommu_unmap (4 KiB pages, then iotlb_sync): 0 or the error; the bytes unmapped.
int smmuv3_map(System& s, iommu_domain* domain, uint64_t iova, uint64_t paddr, uint64_t size, bool write);
uint64_t smmuv3_unmap(System& s, iommu_domain* domain, uint64_t iova, uint64_t size);
void smmuv3_domain_free(System& s, iommu_domain* domain);
// domain->ops->set_dev_pasid(domain, dev, pasid, old): 0 or the driver's error. The attach
// phases of the PASID's two-phase attach are announced for `dev`, as attach_dev's are.
int smmuv3_set_dev_pasid(System& s, iommu_domain* domain, pci::DevId dev, uint32_t pasid, iommu_domain* old);
// Taking `pasid` off `domain`: 6.12's ops->remove_dev_pasid, or the blocked domain's
// set_dev_pasid where the ops have none (the 2026 trees); the latter's result, else 0.
int smmuv3_remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, iommu_domain* domain);

// SVA. iommu_sva_domain_alloc for the device's SMMU and `mm` (the driver's mm_struct): the
// driver's SVA domain, or nullptr with *err.
iommu_domain* smmuv3_domain_alloc_sva(System& s, pci::DevId dev, mm_struct* mm, int* err);
// iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA), once; 0 where the driver has no such step.
int smmuv3_dev_enable_sva(System& s, pci::DevId dev);
// A registered mmu_notifier's ops, as the mm calls them. Called from inside another call into
// the tree (the last mmput of arm_smmu_sva_set_dev_pasid runs exit_mmap), the call is nested in
// that one: the outer call keeps the struct pci_devs and mirrors the DMA memory.
void smmuv3_mm_invalidate(System& s, mmu_notifier* sub, uint64_t start, uint64_t end);
void smmuv3_mm_release(System& s, mmu_notifier* sub);

// The driver's own belief, read through an adapter compiled against the tree's arm-smmu-v3.h.
struct SourceMaster {
  bool ats_enabled = false;
  unsigned num_streams = 0;
};
// False when the device has no master (never probed, or released).
bool smmuv3_master(System& s, pci::DevId dev, SourceMaster* out);
struct SourceDomain {
  int nr_ats_masters = 0;
  unsigned devices = 0;  // arm_smmu_master_domain entries on the domain's devices list
};
// False for a domain that is not a paging domain.
bool smmuv3_domain(System& s, iommu_domain* domain, SourceDomain* out);

}  // namespace atslab::kernel_src
