/*
 * Stand-in for arch/arm64/include/asm/cpufeature.h: CPU capabilities.
 * Routes to: none present (the model's CPU has no VHE, no BBML, ...).
 */
#ifndef ATSLAB_ASM_CPUFEATURE_H
#define ATSLAB_ASM_CPUFEATURE_H

#include <linux/types.h>

#define ARM64_HAS_VIRT_HOST_EXTN 0
#define ARM64_HAS_CACHE_DIC 1

static inline bool cpus_have_cap(unsigned int num) { (void)num; return false; }

#endif
