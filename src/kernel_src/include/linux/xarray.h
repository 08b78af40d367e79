/*
 * Stand-in for include/linux/xarray.h: the ID-allocating array the SMMUv3
 * driver keeps its ASIDs in.
 * Routes to: a growable array of ours (src/kernel_src/shim/xarray.c) that
 * hands out the lowest free index in the limit, as xa_alloc does.
 */
#ifndef ATSLAB_LINUX_XARRAY_H
#define ATSLAB_LINUX_XARRAY_H

#include <linux/types.h>

struct xarray {
	void **slots;
	u32 size;
	u32 base; /* the lowest index xa_alloc hands out (XA_FLAGS_ALLOC1: 1) */
};

struct xa_limit {
	u32 max, min;
};

#define XA_LIMIT(lo, hi) (struct xa_limit) { .max = (hi), .min = (lo) }
#define XA_FLAGS_ALLOC 0
#define XA_FLAGS_ALLOC1 1
#define DEFINE_XARRAY_ALLOC1(name) struct xarray name = { NULL, 0, 1 }
#define DEFINE_XARRAY_ALLOC(name) struct xarray name = { NULL, 0, 0 }

static inline void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	xa->slots = NULL;
	xa->size = 0;
	xa->base = flags & XA_FLAGS_ALLOC1;
}

/* 0 with *id set, -EBUSY when the limit is full, -ENOMEM when memory is. */
int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void xa_destroy(struct xarray *xa);
/* The array's spinlock: one call into the tree at a time (linux/spinlock.h). */
#define xa_lock(xa) ((void)(xa))
#define xa_unlock(xa) ((void)(xa))

#endif
