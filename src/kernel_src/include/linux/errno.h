/*
 * Stand-in for include/linux/errno.h: error numbers.
 * Routes to: the system's UAPI <asm-generic/errno.h> (the kernel's own
 * numbers, as installed by linux-libc-dev; atslab's errno.h relies on the
 * same), plus the kernel-internal ones it adds.
 */
#ifndef ATSLAB_LINUX_ERRNO_H
#define ATSLAB_LINUX_ERRNO_H

#include <asm-generic/errno.h>

#define ERESTARTSYS 512
#define EPROBE_DEFER 517
#define ENOTSUPP 524

#endif
