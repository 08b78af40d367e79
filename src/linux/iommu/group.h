#pragma once
// drivers/iommu/iommu.c pci_device_group: which IOMMU group a PCI device joins, from the
// topology (DMA aliases through bridges, ACS on the path up, multi-function devices without
// ACS), as the SMMUv3, VT-d and AMD-Vi drivers' device_group callbacks all ask it.
#include <vector>

#include "linux/iommu/iommu_core.h"

namespace atslab {
struct System;
}

namespace atslab::iommu {

// The existing group `dev` must join, or kNoGroup when the kernel would allocate a new one.
// DMA-alias quirks (dev->dma_alias_mask, PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS) are not modelled.
GroupId pci_device_group(const System& s, pci::DevId dev);

// pci_for_each_dma_alias: the requester IDs the device's DMA may carry upstream, its own first,
// then one per bridge that rewrites it (a PCIe-to-PCI bridge: its secondary bus, devfn 0; a
// conventional PCI bridge: its own), without repeats. What IORT gives an SMMUv3 master as
// StreamIDs.
std::vector<uint16_t> pci_dma_aliases(const System& s, pci::DevId dev);

}  // namespace atslab::iommu
