/*
 * Ours: the driver-model side of an SMMU for the tree's SMMUv3 driver: its
 * platform device (name, device-tree node, MMIO resource), finding it again by
 * its firmware node, and the IOMMU core's registration calls, which tell
 * atslab's glue (atslab_iommu_device_registered) which iommu_ops drive the SMMU.
 */
#include <linux/iommu.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sprintf.h>

struct platform_device *atslab_smmu_platform_device_new(unsigned int smmu, u64 mmio_base, u64 mmio_size);

struct platform_device *atslab_smmu_platform_device_new(unsigned int smmu, u64 mmio_base, u64 mmio_size)
{
	struct platform_device *pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);
	struct device_node *node = kzalloc(sizeof(*node), GFP_KERNEL);
	struct resource *res = kzalloc(sizeof(*res), GFP_KERNEL);

	if (!pdev || !node || !res)
		return NULL;
	*res = DEFINE_RES_MEM(mmio_base, mmio_size);
	pdev->name = "arm-smmu-v3";
	pdev->id = (int)smmu;
	pdev->num_resources = 1;
	pdev->resource = res;
	node->fwnode.dev = &pdev->dev;
	pdev->dev.init_name = kasprintf(GFP_KERNEL, "arm-smmu-v3.%u.auto", smmu);
	pdev->dev.of_node = node;
	pdev->dev.fwnode = &node->fwnode;
	pdev->dev.atslab_kind = ATSLAB_DEV_PLATFORM;
	pdev->dev.atslab_id = smmu;
	return pdev;
}

struct device *driver_find_device_by_fwnode(struct device_driver *drv, const struct fwnode_handle *fwnode)
{
	(void)drv;
	return fwnode ? fwnode->dev : NULL;
}

const struct bus_type platform_bus_type = { .name = "platform" };

/* Only SMMUs are platform devices here, each with its own firmware node. */
struct device *bus_find_device_by_fwnode(const struct bus_type *bus, const struct fwnode_handle *fwnode)
{
	(void)bus;
	return fwnode ? fwnode->dev : NULL;
}

int iommu_device_register(struct iommu_device *iommu, const struct iommu_ops *ops, struct device *hwdev)
{
	iommu->ops = ops;
	iommu->dev = hwdev;
	iommu->fwnode = dev_fwnode(hwdev);
	atslab_iommu_device_registered(hwdev->atslab_id, ops, iommu);
	return 0;
}

void iommu_device_unregister(struct iommu_device *iommu)
{
	atslab_iommu_device_registered(iommu->dev->atslab_id, NULL, iommu);
}

/* No sysfs in the model. */
int iommu_device_sysfs_add(struct iommu_device *iommu, struct device *parent, const void *groups, const char *fmt, ...)
{
	(void)iommu;
	(void)parent;
	(void)groups;
	(void)fmt;
	return 0;
}

void iommu_device_sysfs_remove(struct iommu_device *iommu)
{
	(void)iommu;
}

/* atslab's IOMMU core forms groups itself and never asks the driver. */
struct iommu_group *generic_device_group(struct device *dev)
{
	(void)dev;
	return ERR_PTR(-EOPNOTSUPP);
}

struct iommu_group *pci_device_group(struct device *dev)
{
	(void)dev;
	return ERR_PTR(-EOPNOTSUPP);
}

/* The domain the device was last attached to through the glue (the core's group->domain). */
struct iommu_domain *iommu_get_domain_for_dev(struct device *dev)
{
	return atslab_iommu_current_domain(dev);
}

/* The same, asked from inside a driver callback (the core holds the group mutex; so do we). */
struct iommu_domain *iommu_driver_get_domain_for_dev(struct device *dev)
{
	return atslab_iommu_current_domain(dev);
}

/* No I/O page faults are modelled (no PRI, no stall). */
int iommu_report_device_fault(struct device *dev, struct iopf_fault *evt)
{
	(void)dev;
	(void)evt;
	return -EOPNOTSUPP;
}
