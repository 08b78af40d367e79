/*
 * Stand-in for arch/arm64/include/asm/page.h: a 4 KiB-page kernel.
 * Routes to: constants (hw::memory pages are 4 KiB too).
 */
#ifndef ATSLAB_ASM_PAGE_H
#define ATSLAB_ASM_PAGE_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#endif
