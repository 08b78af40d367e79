/*
 * Stand-in for include/linux/atomic.h: atomic_t, atomic_long_t and cmpxchg.
 * Routes to: GCC's __atomic builtins (user-space atomics with the kernel's
 * return conventions; orderings map to the nearest C11 one).
 */
#ifndef ATSLAB_LINUX_ATOMIC_H
#define ATSLAB_LINUX_ATOMIC_H

#include <asm/barrier.h>
#include <linux/types.h>

#define ATOMIC_INIT(i) { (i) }

static inline int atomic_read(const atomic_t *v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }
static inline void atomic_set(atomic_t *v, int i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_set_release(atomic_t *v, int i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELEASE); }
static inline void atomic_inc(atomic_t *v) { __atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED); }
static inline void atomic_dec(atomic_t *v) { __atomic_fetch_sub(&v->counter, 1, __ATOMIC_RELAXED); }
static inline void atomic_add(int i, atomic_t *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }
static inline int atomic_inc_return(atomic_t *v) { return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); }
static inline int atomic_dec_return(atomic_t *v) { return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); }
static inline int atomic_dec_return_release(atomic_t *v) { return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_RELEASE); }
static inline bool atomic_dec_and_test(atomic_t *v) { return atomic_dec_return(v) == 0; }
static inline int atomic_fetch_inc_relaxed(atomic_t *v) { return __atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED); }
static inline int atomic_fetch_andnot_relaxed(int i, atomic_t *v) { return __atomic_fetch_and(&v->counter, ~i, __ATOMIC_RELAXED); }
static inline int atomic_fetch_andnot_release(int i, atomic_t *v) { return __atomic_fetch_and(&v->counter, ~i, __ATOMIC_RELEASE); }
static inline int atomic_cmpxchg_relaxed(atomic_t *v, int old, int new_)
{
	__atomic_compare_exchange_n(&v->counter, &old, new_, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	return old;
}
static inline int atomic_cmpxchg(atomic_t *v, int old, int new_)
{
	__atomic_compare_exchange_n(&v->counter, &old, new_, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

static inline long atomic_long_read(const atomic_long_t *v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }
static inline void atomic_long_set(atomic_long_t *v, long i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_long_xor(long i, atomic_long_t *v) { __atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED); }

/* cmpxchg on any scalar: the value found (equal to `old` when the exchange happened). */
#define cmpxchg_relaxed(ptr, old, new_)                                                      \
	({                                                                                   \
		__typeof__(*(ptr)) atslab_old = (old);                                       \
		__atomic_compare_exchange_n(ptr, &atslab_old, (new_), false, __ATOMIC_RELAXED, \
					    __ATOMIC_RELAXED);                               \
		atslab_old;                                                                  \
	})
#define cmpxchg(ptr, old, new_) cmpxchg_relaxed(ptr, old, new_)
#define cmpxchg64_relaxed(ptr, old, new_) cmpxchg_relaxed(ptr, old, new_)
#define cmpxchg64(ptr, old, new_) cmpxchg_relaxed(ptr, old, new_)
#define xchg(ptr, v) __atomic_exchange_n(ptr, v, __ATOMIC_SEQ_CST)

#define atomic_cond_read_relaxed(v, c) smp_cond_load_relaxed(&(v)->counter, (c))
#define atomic_cond_read_acquire(v, c) smp_cond_load_acquire(&(v)->counter, (c))
#define atomic_long_cond_read_relaxed(v, c) smp_cond_load_relaxed(&(v)->counter, (c))

#endif
