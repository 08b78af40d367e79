/*
 * Stand-in for include/linux/math.h.
 * Routes to: plain C.
 */
#ifndef ATSLAB_LINUX_MATH_H
#define ATSLAB_LINUX_MATH_H

#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define round_up(x, y) ((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))

#endif
