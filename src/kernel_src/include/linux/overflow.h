/*
 * Stand-in for include/linux/overflow.h: sizes of flexible structures.
 * Routes to: plain arithmetic saturating at SIZE_MAX on overflow, as the
 * kernel's does (an allocation of SIZE_MAX then fails).
 */
#ifndef ATSLAB_LINUX_OVERFLOW_H
#define ATSLAB_LINUX_OVERFLOW_H

#include <stddef.h>
#include <stdint.h>

static inline size_t atslab_size_add_mul(size_t base, size_t each, size_t count)
{
	if (each && count > (SIZE_MAX - base) / each)
		return SIZE_MAX;
	return base + each * count;
}

/* sizeof(*p) and count elements of its flexible array member. */
#define struct_size(p, member, count) atslab_size_add_mul(sizeof(*(p)), sizeof(*(p)->member), (count))
#define struct_size_t(type, member, count) struct_size((type *)NULL, member, count)
#define flex_array_size(p, member, count) atslab_size_add_mul(0, sizeof(*(p)->member), (count))

#endif
