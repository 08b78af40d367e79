/*
 * Stand-in for arch/arm64/include/asm/byteorder.h (little-endian) and the
 * generic conversions.
 * Routes to: identity: the host is little-endian like the arm64 kernel the
 * driver targets, and hw::memory holds little-endian qwords.
 */
#ifndef ATSLAB_ASM_BYTEORDER_H
#define ATSLAB_ASM_BYTEORDER_H

#include <linux/types.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "atslab's source driver assumes a little-endian host"
#endif

#define cpu_to_le64(x) ((__le64)(u64)(x))
#define le64_to_cpu(x) ((u64)(__le64)(x))
#define cpu_to_le32(x) ((__le32)(u32)(x))
#define le32_to_cpu(x) ((u32)(__le32)(x))
#define cpu_to_le16(x) ((__le16)(u16)(x))
#define le16_to_cpu(x) ((u16)(__le16)(x))

#endif
