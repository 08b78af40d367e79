/*
 * Stand-in for include/linux/dma-mapping.h: coherent DMA memory.
 * Routes to: atslab_dma_alloc_coherent (src/kernel_src/dma_coherent.cc): a
 * region of hw::memory (pages owned by the source driver) the SMMU model
 * walks, mirrored by host memory the driver writes with plain stores; the
 * glue copies what the CPU wrote into hw::memory before the hardware can look
 * (every MMIO access, the end of every call into the driver).
 */
#ifndef ATSLAB_LINUX_DMA_MAPPING_H
#define ATSLAB_LINUX_DMA_MAPPING_H

#include <atslab/smmu_abi.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/types.h>

#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))

static inline void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma, gfp_t gfp)
{
	(void)dev;
	(void)gfp;
	return atslab_dma_alloc_coherent(size, dma);
}
static inline void *dmam_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma, gfp_t gfp)
{
	return dma_alloc_coherent(dev, size, dma, gfp);
}
static inline void dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t dma)
{
	(void)dev;
	atslab_dma_free_coherent(size, cpu, dma);
}
static inline int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	dev->coherent_dma_mask = mask;
	return 0;
}

#endif
