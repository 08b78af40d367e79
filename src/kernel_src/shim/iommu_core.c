/*
 * Ours: the parts of the IOMMU core (drivers/iommu/iommu.c) a driver calls
 * that are data plumbing on the driver's own structures: firmware IDs on a
 * device, reserved regions, the I/O page fault queue. The calls that concern
 * atslab's IOMMU core (registration, groups, the current domain, fault
 * reports) are in src/kernel_src/smmuv3/abi_iommu.cc.
 */
#include <atslab/smmu_abi.h>
#include <linux/iommu.h>
#include <linux/slab.h>

int iommu_fwspec_add_ids(struct device *dev, const u32 *ids, int num_ids)
{
	struct iommu_fwspec *old = dev_iommu_fwspec_get(dev), *fwspec;
	unsigned int have = old ? old->num_ids : 0;

	if (!dev->iommu)
		return -EINVAL; /* the core allocates dev->iommu before asking the driver */
	fwspec = kzalloc(sizeof(*fwspec) + (have + (unsigned int)num_ids) * sizeof(u32), GFP_KERNEL);
	if (!fwspec)
		return -ENOMEM;
	if (old) {
		*fwspec = *old;
		for (unsigned int i = 0; i < have; i++)
			fwspec->ids[i] = old->ids[i];
		kfree(old);
	}
	for (int i = 0; i < num_ids; i++)
		fwspec->ids[have + (unsigned int)i] = ids[i];
	fwspec->num_ids = have + (unsigned int)num_ids;
	dev->iommu->fwspec = fwspec;
	return 0;
}

/*
 * What the driver registered as its IOMMU's max_pasids (iommu_device.max_pasids,
 * 1 << SSIDSIZE for an SMMUv3): dev_iommu_get_max_pasids caps a device's with it.
 */
u32 atslab_iommu_device_max_pasids(const struct iommu_device *iommu)
{
	return iommu ? iommu->max_pasids : 0;
}

struct iommu_resv_region *iommu_alloc_resv_region(phys_addr_t start, size_t length, int prot,
						  enum iommu_resv_type type, gfp_t gfp)
{
	struct iommu_resv_region *region = kzalloc(sizeof(*region), gfp);

	if (!region)
		return NULL;
	INIT_LIST_HEAD(&region->list);
	region->start = start;
	region->length = length;
	region->prot = prot;
	region->type = type;
	return region;
}

/* Page requests are not modelled (no PRI): the queue exists and stays empty. */
struct iopf_queue *iopf_queue_alloc(const char *name)
{
	(void)name;
	return kzalloc(sizeof(struct iopf_queue), GFP_KERNEL);
}

void iopf_queue_free(struct iopf_queue *queue)
{
	kfree(queue);
}

int iopf_queue_add_device(struct iopf_queue *queue, struct device *dev)
{
	(void)queue;
	(void)dev;
	return 0;
}

void iopf_queue_remove_device(struct iopf_queue *queue, struct device *dev)
{
	(void)queue;
	(void)dev;
}
