#pragma once
// The kernel tree's SMMUv3 driver probing an SMMU of the machine: its platform
// driver's probe (arm_smmu_device_probe: the device-tree probe, the ID
// registers, the queues and stream table in DMA memory, the reset through the
// registers with its CFGI_ALL and TLBI commands, iommu_device_register), on
// hw::smmuv3 through MMIO. ATSLAB_SOURCE_SMMUV3 builds only.
namespace atslab {
struct System;
}

namespace atslab::kernel_src {

// 0, or the probe's negative errno. The SMMU must exist in s.hw.smmus.
int smmuv3_device_probe(System& s, unsigned smmu);

}  // namespace atslab::kernel_src
