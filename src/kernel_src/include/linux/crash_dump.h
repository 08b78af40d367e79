/*
 * Stand-in for include/linux/crash_dump.h.
 * Routes to: false: the model boots a first kernel, never a kdump kernel.
 */
#ifndef ATSLAB_LINUX_CRASH_DUMP_H
#define ATSLAB_LINUX_CRASH_DUMP_H

#include <linux/types.h>

static inline bool is_kdump_kernel(void) { return false; }

#endif
