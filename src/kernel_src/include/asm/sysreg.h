/*
 * Stand-in for arch/arm64/include/asm/sysreg.h: the system registers the
 * SMMUv3 driver's SVA code reads for a CD that shares the CPU's tables.
 * Routes to: the CPU atslab's model of SVA assumes (src/linux/smmuv3/sva.cc):
 * MAIR_EL1 as arm64 Linux programs it (Normal WB, Normal-Tagged, Normal-NC,
 * Device-nGnRnE, Device-nGnRE); ID_AA64MMFR0_EL1 with PARange 5 (48-bit PAs)
 * and ASIDBits 2 (16-bit ASIDs). Field positions are the architecture's.
 */
#ifndef ATSLAB_ASM_SYSREG_H
#define ATSLAB_ASM_SYSREG_H

#include <linux/types.h>

#define ATSLAB_SYSREG_mair_el1 0x000000040044f0ffULL
#define read_sysreg(r) ((u64)ATSLAB_SYSREG_##r)

/* read_sanitised_ftr_reg's argument: which ID register (the encoding is the stand-in's own). */
#define SYS_ID_AA64MMFR0_EL1 1U
#define ID_AA64MMFR0_EL1_PARANGE_SHIFT 0
#define ID_AA64MMFR0_EL1_ASIDBITS_SHIFT 4
#define ATSLAB_ID_AA64MMFR0_EL1 ((5ULL << ID_AA64MMFR0_EL1_PARANGE_SHIFT) | (2ULL << ID_AA64MMFR0_EL1_ASIDBITS_SHIFT))

#endif
