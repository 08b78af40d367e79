/*
 * Stand-in for arch/arm64/include/asm/page.h: a 4 KiB-page kernel.
 * Routes to: constants (hw::memory pages are 4 KiB too).
 */
#ifndef ATSLAB_ASM_PAGE_H
#define ATSLAB_ASM_PAGE_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* The buddy order of an allocation of `size` bytes: the smallest n with PAGE_SIZE << n >= size. */
static inline int get_order(unsigned long size)
{
	int order = 0;

	for (size = (size - 1) >> PAGE_SHIFT; size; size >>= 1)
		order++;
	return order;
}

#endif
