/*
 * Stand-in for include/linux/mmu_notifier.h: a driver's subscription to a
 * process's page-table changes (SVA, CONFIG_ARM_SMMU_V3_SVA).
 * Routes to: atslab's mm model (src/linux/mm): mmu_notifier_register puts the
 * subscription on the mm's list (Mm::notifiers, newest first, as the kernel's
 * hlist_add_head_rcu), and the mm model's munmap and exit_mmap call its ops
 * through src/kernel_src/smmuv3/sva.cc. mmu_notifier_put takes it off and frees
 * it at once: the kernel defers free_notifier to an SRCU callback, which
 * atslab's model runs at once too (docs/fidelity.md, SVA), so
 * mmu_notifier_synchronize has nothing left to wait for.
 */
#ifndef ATSLAB_LINUX_MMU_NOTIFIER_H
#define ATSLAB_LINUX_MMU_NOTIFIER_H

#include <linux/mm_types.h>

struct mmu_notifier;

/* The callbacks the SMMUv3 driver sets (6.12 and 7.2 name them alike). */
struct mmu_notifier_ops {
	void (*release)(struct mmu_notifier *subscription, struct mm_struct *mm);
	void (*arch_invalidate_secondary_tlbs)(struct mmu_notifier *subscription, struct mm_struct *mm,
					       unsigned long start, unsigned long end);
	struct mmu_notifier *(*alloc_notifier)(struct mm_struct *mm);
	void (*free_notifier)(struct mmu_notifier *subscription);
};

struct mmu_notifier {
	const struct mmu_notifier_ops *ops;
	struct mm_struct *mm;
};

/* shim/smmuv3/mm.c */
int mmu_notifier_register(struct mmu_notifier *subscription, struct mm_struct *mm);
void mmu_notifier_put(struct mmu_notifier *subscription);
static inline void mmu_notifier_synchronize(void) { }

#endif
