#pragma once
// The tree's SMMUv3 driver reached through its iommu_ops, as atslab's IOMMU
// core reaches a driver (ATSLAB_SOURCE_SMMUV3 builds). Each call loads the
// struct pci_devs from the System, calls the driver under the kernel::Frame
// of the op, writes the fields back and mirrors the DMA memory the CPU wrote
// into hw::memory. Not yet called from src/linux/iommu/driver_ops.cc.
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::kernel_src {

// iommu_ops->probe_device: 0 or the driver's error.
int smmuv3_probe_device(System& s, pci::DevId dev);
void smmuv3_release_device(System& s, pci::DevId dev);

// The driver's own belief, read through an adapter compiled against the tree's arm-smmu-v3.h.
struct SourceMaster {
  bool ats_enabled = false;
  unsigned num_streams = 0;
};
// False when the device has no master (never probed, or released).
bool smmuv3_master(System& s, pci::DevId dev, SourceMaster* out);

}  // namespace atslab::kernel_src
