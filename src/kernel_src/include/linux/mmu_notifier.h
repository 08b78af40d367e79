/*
 * Stand-in for include/linux/mmu_notifier.h.
 * Routes to: nothing: SVA (CONFIG_ARM_SMMU_V3_SVA) is off; the type only
 * has to exist inside struct arm_smmu_domain.
 */
#ifndef ATSLAB_LINUX_MMU_NOTIFIER_H
#define ATSLAB_LINUX_MMU_NOTIFIER_H

struct mm_struct;
struct mmu_notifier_ops;

struct mmu_notifier {
	const struct mmu_notifier_ops *ops;
	struct mm_struct *mm;
};

#endif
