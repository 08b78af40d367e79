/*
 * Stand-in for include/linux/bitfield.h: a field of a register by its mask.
 * Routes to: plain C; the shift is the mask's lowest set bit. No compile-time
 * checks of the mask (the kernel's build already ran those on the same code).
 */
#ifndef ATSLAB_LINUX_BITFIELD_H
#define ATSLAB_LINUX_BITFIELD_H

#include <linux/bits.h>

#define ATSLAB_FIELD_SHIFT(mask) __builtin_ctzll(mask)
#define FIELD_GET(mask, reg) ((__typeof__(mask))(((reg) & (mask)) >> ATSLAB_FIELD_SHIFT(mask)))
#define FIELD_PREP(mask, val) ((((__typeof__(mask))(val)) << ATSLAB_FIELD_SHIFT(mask)) & (mask))
#define FIELD_FIT(mask, val) (!((((__typeof__(mask))(val)) << ATSLAB_FIELD_SHIFT(mask)) & ~(mask)))
#define FIELD_MAX(mask) ((__typeof__(mask))((mask) >> ATSLAB_FIELD_SHIFT(mask)))

#endif
