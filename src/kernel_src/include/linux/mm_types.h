/*
 * Stand-in for include/linux/mm_types.h: the mm_struct of a process, as far as
 * the SMMUv3 driver's SVA code reads it (its pgd, for the CD's TTB0).
 * Routes to: one struct per mm of atslab's mm model (src/linux/mm), made and
 * kept by the glue (src/kernel_src/smmuv3/sva.cc) for the source kernel's life.
 * The pgd is never dereferenced by the driver: it is a cookie whose
 * virt_to_phys is the model's page-table root in hw::memory
 * (SourceKernel::virt_to_phys), the table the SMMU model walks.
 */
#ifndef ATSLAB_LINUX_MM_TYPES_H
#define ATSLAB_LINUX_MM_TYPES_H

#include <linux/types.h>

typedef struct {
	u64 pgd;
} pgd_t;

struct mm_struct {
	pgd_t *pgd;
	unsigned int atslab_mm; /* the mm model's MmId */
};

#endif
