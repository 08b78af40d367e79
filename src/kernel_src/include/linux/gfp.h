/*
 * Stand-in for include/linux/gfp.h (and gfp_types.h): allocation flags.
 * Routes to: flags the stand-in allocators read only for __GFP_ZERO; whether
 * the caller may sleep never matters in user space.
 */
#ifndef ATSLAB_LINUX_GFP_H
#define ATSLAB_LINUX_GFP_H

#include <linux/mmdebug.h>
#include <linux/types.h>

#define GFP_KERNEL 0u
#define GFP_ATOMIC 1u
#define GFP_NOWAIT 2u
/* Charged to the caller's memory cgroup (a VMM's nested domain): no cgroups here. */
#define GFP_KERNEL_ACCOUNT GFP_KERNEL
#define __GFP_NOWARN 0x10u
#define __GFP_HIGHMEM 0x20u
#define __GFP_ZERO 0x100u

#endif
