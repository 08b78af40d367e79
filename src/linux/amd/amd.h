#pragma once
// drivers/iommu/amd/iommu.c: the AMD-Vi driver's entry points (kernel-semantics.md 5.2).
#include <cstdint>

#include "linux/amd/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::amd {

void device_probe(System& s, uint16_t iommu);
int probe_device(System& s, pci::DevId dev);    // amd_iommu_probe_device
void release_device(System& s, pci::DevId dev);  // amd_iommu_release_device

// The capability helpers, in the order pdev_enable_caps runs them.
int pdev_enable_cap_pasid(System& s, pci::DevId dev);
int pdev_enable_cap_ats(System& s, pci::DevId dev);
int pdev_enable_cap_pri(System& s, pci::DevId dev);
void pdev_enable_caps(System& s, pci::DevId dev);
void pdev_disable_caps(System& s, pci::DevId dev);

iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type);
void domain_free(System& s, iommu::DomainId d);
iommu::DomainId static_domain(System& s, pci::DevId dev, iommu::DomainType type);
int attach_dev(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);  // amd_iommu_attach_device
int attach_dev_blocked(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);

int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size);
uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size);

// blocked_domain_set_dev_pasid -> amd_iommu_remove_dev_pasid: the only set_dev_pasid an AMD-Vi
// paging attach can meet (the paging domains have none; only SVA domains do, not modelled): a
// PASID outside dev_data->max_pasids is ignored, and `old`'s GCR3 entry for it is cleared if it
// is an SVA domain's. The model's PASID array never holds an AMD-Vi PASID, so this clears nothing.
int blocked_set_dev_pasid(System& s, iommu::DomainId blocked, pci::DevId dev, uint32_t pasid, iommu::DomainId old);

DevDataId dev_data_of(const System& s, pci::DevId dev);
PdomId pdom_of(const System& s, iommu::DomainId d);

}  // namespace atslab::amd
