/*
 * Stand-in for include/linux/sprintf.h.
 * Routes to: atslab's formatter with the kernel's conversions
 * (src/kernel_src/shim/printf.c).
 */
#ifndef ATSLAB_LINUX_SPRINTF_H
#define ATSLAB_LINUX_SPRINTF_H

#include <linux/types.h>

char *kasprintf(gfp_t gfp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int scnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
