/*
 * Stand-in for include/linux/bitfield.h: a field of a register by its mask.
 * Routes to: plain C; the shift is the mask's lowest set bit. No compile-time
 * checks of the mask (the kernel's build already ran those on the same code).
 */
#ifndef ATSLAB_LINUX_BITFIELD_H
#define ATSLAB_LINUX_BITFIELD_H

#include <linux/bits.h>
#include <linux/types.h>

#define ATSLAB_FIELD_SHIFT(mask) __builtin_ctzll(mask)
#define FIELD_GET(mask, reg) ((__typeof__(mask))(((reg) & (mask)) >> ATSLAB_FIELD_SHIFT(mask)))
#define FIELD_PREP(mask, val) ((((__typeof__(mask))(val)) << ATSLAB_FIELD_SHIFT(mask)) & (mask))
#define FIELD_FIT(mask, val) (!((((__typeof__(mask))(val)) << ATSLAB_FIELD_SHIFT(mask)) & ~(mask)))
#define FIELD_MAX(mask) ((__typeof__(mask))((mask) >> ATSLAB_FIELD_SHIFT(mask)))

/* *p's field `mask` replaced by `val` (u64p_replace_bits and its sizes). */
static inline void u64p_replace_bits(u64 *p, u64 val, u64 mask)
{
	*p = (*p & ~mask) | ((val << __builtin_ctzll(mask)) & mask);
}
static inline u64 u64_encode_bits(u64 val, u64 mask) { return (val << __builtin_ctzll(mask)) & mask; }
static inline u64 u64_get_bits(u64 v, u64 mask) { return (v & mask) >> __builtin_ctzll(mask); }
static inline u32 u32_encode_bits(u32 val, u32 mask) { return (val << __builtin_ctz(mask)) & mask; }
static inline u32 u32_get_bits(u32 v, u32 mask) { return (v & mask) >> __builtin_ctz(mask); }

#endif
