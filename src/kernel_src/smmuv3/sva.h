#pragma once
// SVA on the tree's SMMUv3 driver: the driver's view of atslab's mm model. Each mm of the model
// (mm::MmId) gets one struct mm_struct for the source kernel's life, whose pgd names the model's
// page-table root; the notifiers the driver registers on it are listed in the model's
// Mm::notifiers (as indices of SourceKernel::notifiers), so munmap and exit_mmap reach the
// driver's ops (iommu_driver.h: mm_arch_invalidate_secondary_tlbs, mm_release).
#include <cstdint>

struct mm_struct;

namespace atslab {
struct System;
}

namespace atslab::kernel_src::smmuv3 {

// The driver's mm_struct for mm `mm` of the System, its pgd brought up to date.
mm_struct* mm_struct_of(System& s, uint32_t mm);

}  // namespace atslab::kernel_src::smmuv3
