/*
 * Stand-in for include/linux/ioport.h: resources (MMIO windows).
 * Routes to: plain C.
 */
#ifndef ATSLAB_LINUX_IOPORT_H
#define ATSLAB_LINUX_IOPORT_H

#include <linux/types.h>

#define IORESOURCE_MEM 0x00000200

struct resource {
	resource_size_t start;
	resource_size_t end;
	const char *name;
	unsigned long flags;
};

#define DEFINE_RES_MEM(_start, _size) \
	((struct resource){ .start = (_start), .end = (_start) + (_size) - 1, .flags = IORESOURCE_MEM })

static inline resource_size_t resource_size(const struct resource *res) { return res->end - res->start + 1; }

#endif
