/*
 * Stand-in for arch/arm64/include/asm/memory.h: the CPU's virtual address size.
 * Routes to: 48 bits (arm64's default with 4 KiB pages).
 */
#ifndef ATSLAB_ASM_MEMORY_H
#define ATSLAB_ASM_MEMORY_H

#define VA_BITS 48

#endif
