/*
 * Ours: what the IOMMU core and the firmware code (of_iommu_configure,
 * of_pci_iommu_init) do for a PCI device before a driver's probe_device:
 * dev->iommu, with a fwspec naming the SMMU's firmware node and the device's
 * StreamID (its requester ID: the machine's msi-map/iommu-map is the
 * identity), and PCI_RC_ATS when the root complex says it supports ATS.
 */
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>

int atslab_pci_dev_iommu_init(struct pci_dev *pdev, struct platform_device *smmu, u32 sid, bool rc_ats);

int atslab_pci_dev_iommu_init(struct pci_dev *pdev, struct platform_device *smmu, u32 sid, bool rc_ats)
{
	struct dev_iommu *param = kzalloc(sizeof(*param), GFP_KERNEL);
	struct iommu_fwspec *fwspec = kzalloc(sizeof(*fwspec), GFP_KERNEL);

	if (!param || !fwspec)
		return -ENOMEM;
	mutex_init(&param->lock);
	fwspec->iommu_fwnode = dev_fwnode(&smmu->dev);
	fwspec->flags = rc_ats ? IOMMU_FWSPEC_PCI_RC_ATS : 0;
	/*
	 * IORT's root-complex memory attributes: every root complex of atslab's machines is
	 * coherent with write-back cacheable memory (CANWBS), which a vSMMU needs where the SMMU
	 * has no S2FWB (arm_smmu_get_viommu_size); the model assumes the same (docs/fidelity.md).
	 */
	fwspec->flags |= IOMMU_FWSPEC_PCI_RC_CANWBS;
	param->fwspec = fwspec;
	pdev->dev.iommu = param;
	return iommu_fwspec_add_ids(&pdev->dev, &sid, 1);
}

struct device *atslab_pci_dev_device(struct pci_dev *pdev);

struct device *atslab_pci_dev_device(struct pci_dev *pdev)
{
	return &pdev->dev;
}
