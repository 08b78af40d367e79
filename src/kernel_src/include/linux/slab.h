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
#include <linux/overflow.h>
#include <linux/rcupdate.h>
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

/*
 * The typed allocators of 7.x (kmalloc_obj and kin): the type's size, the
 * GFP flags optional (GFP_KERNEL when left out). The flexible-array counter
 * is left to the caller, as the kernel does on a compiler without
 * __builtin_counted_by_ref.
 */
#define ATSLAB_GFP_FIRST(f, ...) (f)
#define ATSLAB_GFP_OR_KERNEL(...) ATSLAB_GFP_FIRST(__VA_ARGS__ __VA_OPT__(, ) GFP_KERNEL)
#define kmalloc_obj(P, ...) ((typeof(P) *)kmalloc(sizeof(typeof(P)), ATSLAB_GFP_OR_KERNEL(__VA_ARGS__)))
#define kzalloc_obj(P, ...) ((typeof(P) *)kzalloc(sizeof(typeof(P)), ATSLAB_GFP_OR_KERNEL(__VA_ARGS__)))
#define kmalloc_objs(P, COUNT, ...) \
	((typeof(P) *)kcalloc_uninit((COUNT), sizeof(typeof(P)), ATSLAB_GFP_OR_KERNEL(__VA_ARGS__)))
#define kzalloc_objs(P, COUNT, ...) ((typeof(P) *)kcalloc((COUNT), sizeof(typeof(P)), ATSLAB_GFP_OR_KERNEL(__VA_ARGS__)))

/* kmalloc_objs' overflow-checked size, not zeroed. */
static inline void *kcalloc_uninit(size_t n, size_t size, gfp_t flags)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kmalloc(n * size, flags);
}

#endif
