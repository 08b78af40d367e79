/*
 * Stand-in for include/linux/idr.h: the ID allocator (IDA) the SMMUv3 driver
 * hands out VMIDs from.
 * Routes to: a bitmap of ours (src/kernel_src/shim/ida.c), the lowest free ID first.
 */
#ifndef ATSLAB_LINUX_IDR_H
#define ATSLAB_LINUX_IDR_H

#include <linux/types.h>

struct ida {
	unsigned long *bits;
	unsigned int nbits;
};

#define DEFINE_IDA(name) struct ida name = { NULL, 0 }

static inline void ida_init(struct ida *ida)
{
	ida->bits = NULL;
	ida->nbits = 0;
}

int ida_alloc_range(struct ida *ida, unsigned int min, unsigned int max, gfp_t gfp);
void ida_free(struct ida *ida, unsigned int id);
void ida_destroy(struct ida *ida);

#endif
