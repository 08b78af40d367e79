/*
 * Stand-in for include/linux/sched/mm.h: the mm_struct's user count.
 * Routes to: atslab's mm model (mm::mmget_not_zero, mm::mmput): the last
 * mmput runs its exit_mmap, whose mmu_notifier_release reaches the notifiers'
 * release (the tree's arm_smmu_mm_release under --driver source).
 */
#ifndef ATSLAB_LINUX_SCHED_MM_H
#define ATSLAB_LINUX_SCHED_MM_H

#include <linux/mm_types.h>

/* shim/smmuv3/mm.c */
bool mmget_not_zero(struct mm_struct *mm);
void mmput(struct mm_struct *mm);

#endif
