/*
 * Ours: the ID-allocating array behind the linux/xarray.h stand-in. Indexes
 * are small (ASIDs), so a growable array of slots will do.
 */
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/xarray.h>

static int grow(struct xarray *xa, unsigned long index)
{
	u32 size = xa->size ? xa->size : 16;
	void **slots;

	while (size <= index)
		size *= 2;
	if (size == xa->size)
		return 0;
	slots = kcalloc(size, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	for (u32 i = 0; i < xa->size; i++)
		slots[i] = xa->slots[i];
	kfree(xa->slots);
	xa->slots = slots;
	xa->size = size;
	return 0;
}

int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit, gfp_t gfp)
{
	(void)gfp;
	for (unsigned long i = limit.min < xa->base ? xa->base : limit.min; i <= limit.max; i++) {
		if (i < xa->size && xa->slots[i])
			continue;
		if (grow(xa, i))
			return -ENOMEM;
		xa->slots[i] = entry;
		*id = (u32)i;
		return 0;
	}
	return -EBUSY;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	return index < xa->size ? xa->slots[index] : NULL;
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	void *old = xa_load(xa, index);

	if (old)
		xa->slots[index] = NULL;
	return old;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	(void)gfp;
	if (grow(xa, index))
		return NULL;
	old = xa->slots[index];
	xa->slots[index] = entry;
	return old;
}

void xa_destroy(struct xarray *xa)
{
	kfree(xa->slots);
	xa->slots = NULL;
	xa->size = 0;
}
