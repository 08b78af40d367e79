/*
 * Stand-in for arch/arm64/include/asm/mmu.h.
 * Routes to: no KPTI (the model's CPU maps the kernel at EL0 as a CPU without
 * Meltdown does), so no ASID is given up to the trampoline.
 */
#ifndef ATSLAB_ASM_MMU_H
#define ATSLAB_ASM_MMU_H

#include <linux/types.h>

static inline bool arm64_kernel_unmapped_at_el0(void) { return false; }

#endif
