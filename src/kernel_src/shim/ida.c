/*
 * Ours: the ID allocator behind the linux/idr.h stand-in: a bitmap, the
 * lowest free ID in range first, as ida_alloc_range hands them out.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/idr.h>
#include <linux/slab.h>

int ida_alloc_range(struct ida *ida, unsigned int min, unsigned int max, gfp_t gfp)
{
	(void)gfp;
	for (unsigned long id = min; id <= max; id++) {
		if (id >= ida->nbits) {
			unsigned int nbits = ida->nbits ? ida->nbits : 64;
			unsigned long *bits;

			while (nbits <= id)
				nbits *= 2;
			bits = kcalloc(BITS_TO_LONGS(nbits), sizeof(unsigned long), GFP_KERNEL);
			if (!bits)
				return -ENOMEM;
			for (unsigned int w = 0; w < BITS_TO_LONGS(ida->nbits); w++)
				bits[w] = ida->bits[w];
			kfree(ida->bits);
			ida->bits = bits;
			ida->nbits = nbits;
		}
		if (!test_bit((long)id, ida->bits)) {
			__set_bit((long)id, ida->bits);
			return (int)id;
		}
	}
	return -ENOSPC;
}

void ida_free(struct ida *ida, unsigned int id)
{
	if (id < ida->nbits)
		__clear_bit((long)id, ida->bits);
}

void ida_destroy(struct ida *ida)
{
	kfree(ida->bits);
	ida->bits = NULL;
	ida->nbits = 0;
}
