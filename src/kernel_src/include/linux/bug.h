/*
 * Stand-in for include/linux/bug.h (and asm-generic/bug.h): WARN_ON and friends.
 * Routes to: atslab_warn -> kernel::warn_on, which records the WARN with the
 * tree's file and line (__FILE__ is made tree-relative by the build) and the
 * call trace of kernel::Frame, innermost the function that warned. WARN's
 * message is formatted (atslab_warn_fmt) and recorded as the condition.
 * A _ONCE warning fires every time: "once" is per boot, and each run of the
 * simulation is a boot (a static flag here would outlive the System).
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
#define WARN(condition, fmt...)                                                        \
	({                                                                             \
		int atslab_warn_hit = !!(condition);                                   \
		if (unlikely(atslab_warn_hit))                                         \
			atslab_warn_fmt(__FILE__, __LINE__, __func__, fmt);            \
		unlikely(atslab_warn_hit);                                             \
	})
#define WARN_ON_ONCE(condition) WARN_ON(condition)
#define WARN_ONCE(condition, fmt...) WARN(condition, fmt)
#define BUG() atslab_bug(__FILE__, __LINE__, __func__)
#define BUG_ON(condition) do { if (unlikely(condition)) BUG(); } while (0)
#define BUILD_BUG_ON(condition) _Static_assert(!(condition), #condition)

#endif
