/*
 * Stand-in for include/linux/slab.h: the kernel heap.
 * Routes to: atslab_kmalloc / atslab_kfree (src/kernel_src/heap.cc), the C
 * library's heap. Memory allocated here is kernel state outside the System
 * value (docs/kernel-source.md says what is and how it is handled).
 */
#ifndef ATSLAB_LINUX_SLAB_H
#define ATSLAB_LINUX_SLAB_H

#include <atslab/kernel_abi.h>
#include <linux/gfp.h>
#include <linux/types.h>

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return atslab_kmalloc(size, (flags & __GFP_ZERO) != 0);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	(void)flags;
	return atslab_kmalloc(size, true);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kzalloc(n * size, flags);
}

static inline void kfree(const void *p)
{
	atslab_kfree(p);
}

#endif
