/*
 * Stand-in for include/linux/kernel.h: the grab-bag every kernel file
 * reaches. Routes to: the other stand-ins it includes, as the kernel's does;
 * asm/cpufeature.h is here because arm64 code reaches it through this header's
 * includes.
 */
#ifndef ATSLAB_LINUX_KERNEL_H
#define ATSLAB_LINUX_KERNEL_H

#include <asm/byteorder.h>
#include <asm/cpufeature.h>
#include <asm/memory.h>
#include <linux/cache.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/sprintf.h>
#include <linux/string.h>
#include <linux/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define INT_MAX ((int)(~0U >> 1))
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX (~0U)
#define LONG_MAX ((long)(~0UL >> 1))
#define ULONG_MAX (~0UL)
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)
#define static_assert(expr, ...) _Static_assert(expr, #expr)

/* Scheduling points: the simulation runs one task at a time and has nothing to yield to. */
static inline void might_sleep(void) {}
static inline int cond_resched(void) { return 0; }

#endif
