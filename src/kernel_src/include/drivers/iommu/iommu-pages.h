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
/*
 * Freeing takes the address alone in newer trees (7.2: the size is the
 * page's) and the order too in older ones (6.12): the stand-in takes either.
 */
static inline void atslab_iommu_free_pages(void *virt)
{
	if (virt)
		atslab_dma_free_coherent(0, virt, 0);
}
#define ATSLAB_IOMMU_FREE_PAGES(virt, ...) atslab_iommu_free_pages(virt)
#define iommu_free_pages(...) ATSLAB_IOMMU_FREE_PAGES(__VA_ARGS__, 0)
static inline void iommu_free_page(void *virt) { atslab_iommu_free_pages(virt); }

/* By size (newer trees): whole pages, a power of two of them, as the kernel's folio allocation gives. */
static inline void *iommu_alloc_pages_node_sz(int nid, gfp_t gfp, size_t size)
{
	int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return iommu_alloc_pages_node(nid, gfp, order);
}
static inline void *iommu_alloc_pages_sz(gfp_t gfp, size_t size) { return iommu_alloc_pages_node_sz(-1, gfp, size); }

/*
 * Tables for an SMMU that does not snoop the CPU's caches (newer trees): the
 * pages are DMA memory already, so starting and flushing make the CPU's
 * stores visible, as dma_map_single and dma_sync_single_for_device do here.
 */
struct device;
static inline int iommu_pages_start_incoherent(void *virt, struct device *dma_dev)
{
	(void)virt;
	(void)dma_dev;
	atslab_dma_sync_for_device();
	return 0;
}
static inline void iommu_pages_flush_incoherent(struct device *dma_dev, void *virt, size_t offset, size_t len)
{
	(void)dma_dev;
	(void)virt;
	(void)offset;
	(void)len;
	atslab_dma_sync_for_device();
}
static inline void iommu_pages_free_incoherent(void *virt, struct device *dma_dev)
{
	(void)dma_dev;
	atslab_iommu_free_pages(virt);
}

#endif
