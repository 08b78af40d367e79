/*
 * Stand-in for drivers/iommu/iommu-pages.h, the IOMMU drivers' page-table page
 * allocator (reached as "iommu-pages.h" from drivers/iommu/io-pgtable-arm.c;
 * the build puts this directory on the quote path and does not copy the
 * tree's own).
 * Routes to: coherent DMA memory of the source kernel (linux/dma-mapping.h):
 * zeroed pages whose CPU stores are mirrored into hw::memory, where the SMMU
 * model walks the tables.
 */
#ifndef ATSLAB_DRIVERS_IOMMU_IOMMU_PAGES_H
#define ATSLAB_DRIVERS_IOMMU_IOMMU_PAGES_H

#include <asm/page.h>
#include <atslab/smmu_abi.h>
#include <linux/types.h>

static inline void *iommu_alloc_pages_node(int nid, gfp_t gfp, int order)
{
	uint64_t dma;

	(void)nid;
	(void)gfp;
	return atslab_dma_alloc_coherent(PAGE_SIZE << order, &dma);
}
static inline void *iommu_alloc_pages(gfp_t gfp, int order) { return iommu_alloc_pages_node(-1, gfp, order); }
static inline void *iommu_alloc_page_node(int nid, gfp_t gfp) { return iommu_alloc_pages_node(nid, gfp, 0); }
static inline void *iommu_alloc_page(gfp_t gfp) { return iommu_alloc_pages_node(-1, gfp, 0); }
static inline void iommu_free_pages(void *virt, int order)
{
	if (virt)
		atslab_dma_free_coherent(PAGE_SIZE << order, virt, 0);
}
static inline void iommu_free_page(void *virt) { iommu_free_pages(virt, 0); }

#endif
