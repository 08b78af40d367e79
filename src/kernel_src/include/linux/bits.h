/*
 * Stand-in for include/linux/bits.h: single bits and contiguous masks.
 * Routes to: plain C arithmetic on unsigned long (64 bits here).
 */
#ifndef ATSLAB_LINUX_BITS_H
#define ATSLAB_LINUX_BITS_H

#define BIT(nr) (1UL << (nr))
#define BIT_ULL(nr) (1ULL << (nr))
/* Bits h..l set, h >= l. */
#define GENMASK(h, l) ((~0UL >> (63 - (h))) & (~0UL << (l)))
#define GENMASK_ULL(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define GENMASK_U64(h, l) ((u64)GENMASK_ULL(h, l))

#endif
