/*
 * Stand-in for include/linux/ktime.h.
 * Routes to: the source driver's virtual clock (atslab_ktime_get), which only
 * delays and polls advance: a poll loop's timeout expires after the same
 * number of polls on every run.
 */
#ifndef ATSLAB_LINUX_KTIME_H
#define ATSLAB_LINUX_KTIME_H

#include <atslab/smmu_abi.h>
#include <linux/types.h>

#define NSEC_PER_USEC 1000L

static inline ktime_t ktime_get(void) { return atslab_ktime_get(); }
static inline ktime_t ktime_add_us(ktime_t kt, u64 usec) { return kt + (ktime_t)(usec * NSEC_PER_USEC); }
static inline int ktime_compare(ktime_t a, ktime_t b) { return a < b ? -1 : a > b ? 1 : 0; }
static inline bool ktime_after(ktime_t a, ktime_t b) { return a > b; }

#endif
