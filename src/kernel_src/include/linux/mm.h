/*
 * Stand-in for include/linux/mm.h, as far as the SMMUv3 driver's SVA code
 * reaches through it: the mm_struct, pages, the CPU's VA size and sysregs.
 * Routes to: the stand-ins it includes.
 */
#ifndef ATSLAB_LINUX_MM_H
#define ATSLAB_LINUX_MM_H

#include <asm/cpufeature.h>
#include <asm/memory.h>
#include <asm/mmu.h>
#include <asm/page.h>
#include <asm/sysreg.h>
#include <linux/cpumask.h>
#include <linux/mm_types.h>

#endif
