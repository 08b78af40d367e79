/*
 * Stand-in for include/linux/log2.h.
 * Routes to: GCC's count-leading-zeros builtins.
 */
#ifndef ATSLAB_LINUX_LOG2_H
#define ATSLAB_LINUX_LOG2_H

#define ilog2(n) ((int)(63 - __builtin_clzll((unsigned long long)(n))))
#define is_power_of_2(n) ((n) != 0 && (((n) & ((n) - 1)) == 0))
#define roundup_pow_of_two(n) (1UL << (ilog2((n) - 1) + 1))

#endif
