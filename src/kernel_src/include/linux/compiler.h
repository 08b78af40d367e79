/*
 * Stand-in for include/linux/compiler.h: branch hints.
 * Routes to: GCC's __builtin_expect.
 */
#ifndef ATSLAB_LINUX_COMPILER_H
#define ATSLAB_LINUX_COMPILER_H

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
