/*
 * Stand-in for arch/arm64/include/asm/cpufeature.h: CPU capabilities and the
 * sanitised ID registers.
 * Routes to: none present (the model's CPU has no VHE, no BBML2, no HAFT, ...); the ID
 * registers of asm/sysreg.h's CPU, the same on every CPU.
 */
#ifndef ATSLAB_ASM_CPUFEATURE_H
#define ATSLAB_ASM_CPUFEATURE_H

#include <asm/sysreg.h>
#include <linux/types.h>

#define ARM64_HAS_VIRT_HOST_EXTN 0
#define ARM64_HAS_CACHE_DIC 1

static inline bool cpus_have_cap(unsigned int num) { (void)num; return false; }

/*
 * The features 7.2's SVA code asks of the CPU before sharing its page tables with an SMMU: the
 * model's CPU has none (src/linux/smmuv3/sva.cc: no BBML2, no HAFT, no permission overlays, no
 * guarded control stack), so arm_smmu_sva_supported asks the SMMU for none either.
 */
static inline bool system_supports_bbml2_noabort(void) { return false; }
static inline bool system_supports_haft(void) { return false; }
static inline bool system_supports_poe(void) { return false; }
static inline bool system_supports_gcs(void) { return false; }

static inline u64 read_sanitised_ftr_reg(u32 id)
{
	return id == SYS_ID_AA64MMFR0_EL1 ? ATSLAB_ID_AA64MMFR0_EL1 : 0;
}

static inline unsigned int cpuid_feature_extract_unsigned_field(u64 features, int field)
{
	return (unsigned int)(features >> field) & 0xf;
}

/* The architecture's PARange encodings, in bits. */
static inline u32 id_aa64mmfr0_parange_to_phys_shift(int parange)
{
	static const u32 bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return parange >= 0 && parange < 7 ? bits[parange] : 52;
}

#endif
