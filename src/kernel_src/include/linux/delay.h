/*
 * Stand-in for include/linux/delay.h.
 * Routes to: atslab_udelay, which advances the source driver's virtual clock
 * (linux/ktime.h) instead of waiting.
 */
#ifndef ATSLAB_LINUX_DELAY_H
#define ATSLAB_LINUX_DELAY_H

#include <atslab/smmu_abi.h>

static inline void udelay(unsigned long us) { atslab_udelay(us); }
static inline void ndelay(unsigned long ns) { atslab_udelay((ns + 999) / 1000); }
static inline void mdelay(unsigned long ms) { atslab_udelay(ms * 1000); }
static inline void usleep_range(unsigned long min, unsigned long max) { (void)max; atslab_udelay(min); }

#endif
