/*
 * Ours: the mm side of SVA for the tree's SMMUv3 driver (arm-smmu-v3-sva.c).
 * The driver's mm_structs and notifier subscriptions are C structs; the mm
 * model they stand for is atslab's (src/linux/mm), reached through
 * atslab_mm_* (src/kernel_src/smmuv3/sva.cc). This file calls the notifier
 * ops the driver registered, as the kernel's mm/mmu_notifier.c does.
 */
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <stdlib.h>

/* src/kernel_src/smmuv3/sva.cc */
int atslab_mm_notifier_subscribe(struct mmu_notifier *subscription, unsigned int mm);
void atslab_mm_notifier_unsubscribe(struct mmu_notifier *subscription, unsigned int mm);
bool atslab_mm_get_not_zero(unsigned int mm);
void atslab_mm_put(unsigned int mm);

/* For the glue: one mm_struct per model mm (freed with the source kernel), and the ops' calls. */
struct mm_struct *atslab_mm_struct_new(unsigned int mm);
void atslab_mm_struct_free(struct mm_struct *mm);
void atslab_mm_struct_set_pgd(struct mm_struct *mm, u64 pgd_cookie);
void atslab_mmu_notifier_call_invalidate(struct mmu_notifier *subscription, u64 start, u64 end);
void atslab_mmu_notifier_call_release(struct mmu_notifier *subscription);

struct mm_struct *atslab_mm_struct_new(unsigned int mm)
{
	struct mm_struct *m = calloc(1, sizeof(*m));

	if (m)
		m->atslab_mm = mm;
	return m;
}

void atslab_mm_struct_free(struct mm_struct *mm)
{
	free(mm);
}

void atslab_mm_struct_set_pgd(struct mm_struct *mm, u64 pgd_cookie)
{
	mm->pgd = (pgd_t *)(uintptr_t)pgd_cookie;
}

/* mmu_notifier_register: the subscription joins the mm's list (mmgrab: the model's mm stays while it is on it). */
int mmu_notifier_register(struct mmu_notifier *subscription, struct mm_struct *mm)
{
	subscription->mm = mm;
	return atslab_mm_notifier_subscribe(subscription, mm->atslab_mm);
}

/* mmu_notifier_put: off the list, then free_notifier (the kernel's SRCU callback, run at once). */
void mmu_notifier_put(struct mmu_notifier *subscription)
{
	atslab_mm_notifier_unsubscribe(subscription, subscription->mm->atslab_mm);
	if (subscription->ops->free_notifier)
		subscription->ops->free_notifier(subscription);
}

bool mmget_not_zero(struct mm_struct *mm)
{
	return atslab_mm_get_not_zero(mm->atslab_mm);
}

void mmput(struct mm_struct *mm)
{
	atslab_mm_put(mm->atslab_mm);
}

void atslab_mmu_notifier_call_invalidate(struct mmu_notifier *subscription, u64 start, u64 end)
{
	if (subscription->ops->arch_invalidate_secondary_tlbs)
		subscription->ops->arch_invalidate_secondary_tlbs(subscription, subscription->mm, start, end);
}

void atslab_mmu_notifier_call_release(struct mmu_notifier *subscription)
{
	if (subscription->ops->release)
		subscription->ops->release(subscription, subscription->mm);
}
