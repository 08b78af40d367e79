/*
 * Ours: the translation unit that compiles the kernel tree's SMMUv3 driver.
 * It includes drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c (from the build
 * folder's copy of the tree) unchanged, as tools/testing/vma includes
 * mm/vma.c, so the driver's static functions are reachable from the glue
 * below it.
 */
/*
 * The driver's calls into drivers/pci/ats.c meet atslab's fault points first,
 * where the model's do (src/linux/pci/ats.cc): renamed here, the renamed
 * functions (below) ask the point and then call the tree's own.
 */
#define pci_enable_ats atslab_driver_pci_enable_ats
#define pci_prepare_ats atslab_driver_pci_prepare_ats
#include "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c"
#undef pci_enable_ats
#undef pci_prepare_ats

int pci_enable_ats(struct pci_dev *dev, int ps);
int pci_prepare_ats(struct pci_dev *dev, int ps);

int atslab_driver_pci_enable_ats(struct pci_dev *dev, int ps)
{
	int err = atslab_fault_inject("pci_enable_ats");

	return err ? err : pci_enable_ats(dev, ps);
}

int atslab_driver_pci_prepare_ats(struct pci_dev *dev, int ps)
{
	int err = atslab_fault_inject("pci_prepare_ats");

	return err ? err : pci_prepare_ats(dev, ps);
}

int atslab_arm_smmu_device_probe(struct platform_device *pdev);
const struct iommu_ops *atslab_arm_smmu_ops(void);
int atslab_arm_smmu_probe_device(struct device *dev);
void atslab_arm_smmu_release_device(struct device *dev);
int atslab_arm_smmu_master_state(struct device *dev, bool *ats_enabled, unsigned int *num_streams);

/*
 * The driver's ways in, for the glue (src/kernel_src/smmuv3_glue.cc): its
 * platform driver's probe and its iommu_ops, as the kernel's driver core and
 * IOMMU core reach them.
 */
int atslab_arm_smmu_device_probe(struct platform_device *pdev)
{
	/* What the driver core's really_probe does first: the device is bound while probing. */
	pdev->dev.driver = &arm_smmu_driver.driver;
	return arm_smmu_driver.probe(pdev);
}

const struct iommu_ops *atslab_arm_smmu_ops(void)
{
	return &arm_smmu_ops;
}

/* iommu_ops->probe_device as the IOMMU core calls it: 0, or the error it returned. */
int atslab_arm_smmu_probe_device(struct device *dev)
{
	struct iommu_device *iommu = arm_smmu_ops.probe_device(dev);

	if (IS_ERR(iommu))
		return (int)PTR_ERR(iommu);
	dev->iommu->iommu_dev = iommu;
	return 0;
}

void atslab_arm_smmu_release_device(struct device *dev)
{
	arm_smmu_ops.release_device(dev);
	dev->iommu->iommu_dev = NULL;
	dev_iommu_priv_set(dev, NULL);
}

/*
 * What the checks read of the driver's own state, compiled against the tree's
 * arm-smmu-v3.h: the master's ATS belief and its streams. -ENODEV without a master.
 */
int atslab_arm_smmu_master_state(struct device *dev, bool *ats_enabled, unsigned int *num_streams)
{
	struct arm_smmu_master *master = dev->iommu ? dev_iommu_priv_get(dev) : NULL;

	if (!master)
		return -ENODEV;
	*ats_enabled = master->ats_enabled;
	*num_streams = master->num_streams;
	return 0;
}
