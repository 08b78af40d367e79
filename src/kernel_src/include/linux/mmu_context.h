/*
 * Stand-in for include/linux/mmu_context.h.
 * Routes to: nothing more than the mm_struct (the SVA code includes it for
 * arch helpers it does not call on arm64 with one page-table format).
 */
#ifndef ATSLAB_LINUX_MMU_CONTEXT_H
#define ATSLAB_LINUX_MMU_CONTEXT_H

#include <linux/mm_types.h>

#endif
