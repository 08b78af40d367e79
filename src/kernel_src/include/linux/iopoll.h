/*
 * Stand-in for include/linux/iopoll.h: polling a register until a condition
 * holds or a timeout passes.
 * Routes to: the register reads (atslab MMIO) and the virtual clock.
 */
#ifndef ATSLAB_LINUX_IOPOLL_H
#define ATSLAB_LINUX_IOPOLL_H

#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/ktime.h>

#define read_poll_timeout(op, val, cond, sleep_us, timeout_us, sleep_before_read, args...) \
	({                                                                               \
		u64 atslab_timeout_us = (timeout_us);                                     \
		ktime_t atslab_deadline = ktime_add_us(ktime_get(), atslab_timeout_us);    \
		if (sleep_before_read && (sleep_us))                                      \
			udelay(sleep_us);                                                 \
		for (;;) {                                                                \
			(val) = op(args);                                                 \
			if (cond)                                                         \
				break;                                                    \
			if (atslab_timeout_us && ktime_compare(ktime_get(), atslab_deadline) > 0) { \
				(val) = op(args);                                         \
				break;                                                    \
			}                                                                 \
			udelay((sleep_us) ? (sleep_us) : 1);                              \
		}                                                                         \
		(cond) ? 0 : -ETIMEDOUT;                                                  \
	})
#define readl_relaxed_poll_timeout(addr, val, cond, delay_us, timeout_us) \
	read_poll_timeout(readl_relaxed, val, cond, delay_us, timeout_us, false, addr)
#define readl_relaxed_poll_timeout_atomic(addr, val, cond, delay_us, timeout_us) \
	read_poll_timeout(readl_relaxed, val, cond, delay_us, timeout_us, false, addr)
#define readl_poll_timeout(addr, val, cond, delay_us, timeout_us) \
	read_poll_timeout(readl, val, cond, delay_us, timeout_us, false, addr)

#endif
