/*
 * Stand-in for include/linux/compiler.h: branch hints and READ_ONCE/WRITE_ONCE.
 * Routes to: GCC's __builtin_expect; volatile accesses (the simulation runs
 * one CPU at a time, so a volatile access is all a single access has to be).
 */
#ifndef ATSLAB_LINUX_COMPILER_H
#define ATSLAB_LINUX_COMPILER_H

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)                               \
	do {                                             \
		*(volatile __typeof__(x) *)&(x) = (val); \
	} while (0)

#define barrier() __asm__ __volatile__("" ::: "memory")

#endif
