/*
 * Stand-in for arch/arm64/include/asm/barrier.h (and the generic
 * smp_cond_load_* of asm-generic/barrier.h).
 * Routes to: compiler barriers and __atomic fences (the model's memory is
 * sequentially consistent), cpu_relax/wfe to the virtual clock, and a spin
 * that cannot end (no other CPU runs while this one spins) to atslab_spin_stuck.
 */
#ifndef ATSLAB_ASM_BARRIER_H
#define ATSLAB_ASM_BARRIER_H

#include <atslab/smmu_abi.h>
#include <linux/compiler.h>

#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() mb()
#define wmb() mb()
#define dma_rmb() mb()
#define dma_wmb() mb()
#define dma_mb() mb()
#define smp_mb() mb()
#define smp_rmb() mb()
#define smp_wmb() mb()
#define smp_mb__before_atomic() mb()
#define smp_mb__after_atomic() mb()
#define __iomb() mb()
#define smp_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)

static inline void cpu_relax(void) { atslab_cpu_relax(); }
static inline void wfe(void) { atslab_cpu_relax(); }
static inline void sev(void) {}

/* Spins until cond_expr (which sees the loaded value as VAL) holds. */
#define smp_cond_load_relaxed(ptr, cond_expr)                                  \
	({                                                                     \
		__typeof__(ptr) atslab_ptr = (ptr);                            \
		__typeof__(*(ptr)) VAL;                                        \
		unsigned long atslab_spins = 0;                                \
		for (;;) {                                                     \
			VAL = READ_ONCE(*atslab_ptr);                          \
			if (cond_expr)                                         \
				break;                                         \
			if (++atslab_spins > (1UL << 24))                      \
				atslab_spin_stuck(__FILE__, __LINE__);         \
			cpu_relax();                                           \
		}                                                              \
		VAL;                                                           \
	})
#define smp_cond_load_acquire(ptr, cond_expr) smp_cond_load_relaxed(ptr, cond_expr)

#endif
