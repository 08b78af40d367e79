/*
 * Stand-in for include/linux/minmax.h.
 * Routes to: plain C; each argument is evaluated once. No type checks (the
 * kernel's own build already ran them on the same code).
 */
#ifndef ATSLAB_LINUX_MINMAX_H
#define ATSLAB_LINUX_MINMAX_H

#define min(a, b)                                             \
	({                                                    \
		__typeof__(a) atslab_min_a = (a);             \
		__typeof__(b) atslab_min_b = (b);             \
		atslab_min_a < atslab_min_b ? atslab_min_a : atslab_min_b; \
	})
#define max(a, b)                                             \
	({                                                    \
		__typeof__(a) atslab_max_a = (a);             \
		__typeof__(b) atslab_max_b = (b);             \
		atslab_max_a > atslab_max_b ? atslab_max_a : atslab_max_b; \
	})
#define min_t(type, a, b) min((type)(a), (type)(b))
#define max_t(type, a, b) max((type)(a), (type)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)

#endif
