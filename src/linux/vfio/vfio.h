#pragma once
// The VFIO ioctls of the seed's workload, through the legacy container API.
#include <cstdint>

#include "linux/pci/pci_dev.h"
#include "linux/vfio/vfio_state.h"

namespace atslab {
struct System;
}

namespace atslab::vfio {

ContainerId open_container(System& s);                 // open("/dev/vfio/vfio")
VfioGroupId open_group(System& s, pci::DevId dev);     // open("/dev/vfio/N"); kNone without an IOMMU group
int group_set_container(System& s, VfioGroupId g, ContainerId c);  // VFIO_GROUP_SET_CONTAINER
int set_iommu(System& s, ContainerId c);                            // VFIO_SET_IOMMU (type1)
int map_dma(System& s, ContainerId c, uint64_t iova, uint64_t paddr, uint64_t size);  // VFIO_IOMMU_MAP_DMA
int unmap_dma(System& s, ContainerId c, uint64_t iova, uint64_t size);                // VFIO_IOMMU_UNMAP_DMA
int group_unset_container(System& s, VfioGroupId g);                // VFIO_GROUP_UNSET_CONTAINER

}  // namespace atslab::vfio
