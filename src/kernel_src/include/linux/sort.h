/*
 * Stand-in for include/linux/sort.h: lib/sort.c's heapsort.
 * Routes to: the C library's qsort (the order of equal elements may differ
 * from the kernel's; the callers here sort nothing whose ties matter).
 */
#ifndef ATSLAB_LINUX_SORT_H
#define ATSLAB_LINUX_SORT_H

#include <stdlib.h>

#include <linux/types.h>

typedef int (*cmp_func_t)(const void *a, const void *b);
typedef void (*swap_func_t)(void *a, void *b, int size);

/* -1, 0 or 1 as l is below, equal to or above r. */
#define cmp_int(l, r) (((l) > (r)) - ((l) < (r)))

/* A custom swap exists in the kernel for speed or for elements that point into themselves; none here do. */
static inline void sort(void *base, size_t num, size_t size, cmp_func_t cmp, swap_func_t swap)
{
	(void)swap;
	qsort(base, num, size, cmp);
}

/* The kernel's variant that may sleep between steps: the same order. */
static inline void sort_nonatomic(void *base, size_t num, size_t size, cmp_func_t cmp, swap_func_t swap)
{
	sort(base, num, size, cmp, swap);
}

#endif
