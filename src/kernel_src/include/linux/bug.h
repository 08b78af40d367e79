/*
 * Stand-in for include/linux/bug.h (and asm-generic/bug.h): WARN_ON.
 * Routes to: atslab_warn -> kernel::warn_on, which records the WARN with the
 * tree's file and line (__FILE__ is made tree-relative by the build) and the
 * call trace of kernel::Frame, innermost the function that warned.
 */
#ifndef ATSLAB_LINUX_BUG_H
#define ATSLAB_LINUX_BUG_H

#include <atslab/kernel_abi.h>
#include <linux/compiler.h>

/* As in the kernel, the value is the condition's truth, so `if (WARN_ON(x))` works. */
#define WARN_ON(condition)                                                      \
	({                                                                      \
		int atslab_warn_hit = !!(condition);                            \
		if (unlikely(atslab_warn_hit))                                  \
			atslab_warn(__FILE__, __LINE__, __func__, #condition);  \
		unlikely(atslab_warn_hit);                                      \
	})

#endif
