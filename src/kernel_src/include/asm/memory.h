/*
 * Stand-in for arch/arm64/include/asm/memory.h: the CPU's virtual address
 * size and the linear map between kernel addresses and physical ones.
 * Routes to: 48 bits (arm64's default with 4 KiB pages); virt_to_phys and
 * phys_to_virt to the source kernel's DMA memory (host memory mirrored at a
 * physical address of hw::memory), the only memory whose physical address the
 * driver asks for.
 */
#ifndef ATSLAB_ASM_MEMORY_H
#define ATSLAB_ASM_MEMORY_H

#include <atslab/smmu_abi.h>

#define VA_BITS 48
/* The VA size the running kernel chose (no LPA2 on the model's CPU). */
#define vabits_actual ((u64)VA_BITS)

#define virt_to_phys(p) atslab_virt_to_phys((const void *)(p))
#define __pa(p) atslab_virt_to_phys((const void *)(p))
#define phys_to_virt(pa) atslab_phys_to_virt((uint64_t)(pa))
#define __va(pa) atslab_phys_to_virt((uint64_t)(pa))

#endif
