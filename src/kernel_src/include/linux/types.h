/*
 * Stand-in for include/linux/types.h (and the UAPI types it pulls in): the
 * kernel's fixed-width integer names, address types and list heads.
 * Routes to: the compiler's <stdint.h>, <stddef.h> and <stdbool.h>; this
 * machine is 64-bit little-endian, like the arm64 kernels the driver runs on.
 */
#ifndef ATSLAB_LINUX_TYPES_H
#define ATSLAB_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int8_t __s8;
typedef int16_t __s16;
typedef int32_t __s32;
typedef int64_t __s64;
typedef uint64_t __aligned_u64 __attribute__((aligned(8)));

/* sparse's endianness annotations: plain integers to a C compiler. */
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;
typedef __le64 __aligned_le64 __attribute__((aligned(8)));
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef uint64_t __be64;

typedef uint64_t phys_addr_t;
typedef uint64_t dma_addr_t;
typedef uint64_t resource_size_t;
typedef unsigned int gfp_t;
typedef long ssize_t;
typedef s64 ktime_t;

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

#endif
