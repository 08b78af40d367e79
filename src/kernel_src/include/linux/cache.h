/*
 * Stand-in for include/linux/cache.h: cache-line alignment.
 * Routes to: GCC's aligned attribute, arm64's 64-byte lines.
 */
#ifndef ATSLAB_LINUX_CACHE_H
#define ATSLAB_LINUX_CACHE_H

#define L1_CACHE_BYTES 64
#define SMP_CACHE_BYTES L1_CACHE_BYTES
#define ____cacheline_aligned __attribute__((__aligned__(SMP_CACHE_BYTES)))
#define ____cacheline_aligned_in_smp ____cacheline_aligned
#define __cacheline_aligned ____cacheline_aligned

#endif
