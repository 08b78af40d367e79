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
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

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
/*
 * Streaming mappings of memory that is already DMA memory (the page tables
 * io-pgtable allocates through iommu-pages.h): its physical address, the
 * CPU's writes made visible first.
 */
static inline dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir)
{
	uint64_t pa = atslab_virt_to_phys(ptr);

	(void)dev;
	(void)size;
	(void)dir;
	atslab_dma_sync_for_device();
	return pa ? pa : DMA_MAPPING_ERROR;
}
static inline void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
	(void)dev;
	(void)addr;
	(void)size;
	(void)dir;
}
static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	(void)dev;
	return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}
static inline void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
					      enum dma_data_direction dir)
{
	(void)dev;
	(void)addr;
	(void)size;
	(void)dir;
	atslab_dma_sync_for_device();
}

static inline int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	dev->coherent_dma_mask = mask;
	return 0;
}

#endif
