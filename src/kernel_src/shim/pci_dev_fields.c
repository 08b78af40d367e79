/*
 * Ours, compiled as C with the stand-in headers beside the tree's files: the
 * only code that knows struct pci_dev's layout (the stand-in's), so atslab's
 * C++ side fills and reads a struct pci_dev through these and never includes
 * a kernel header. See atslab/kernel_abi.h.
 */
#include <stdlib.h>

#include <atslab/kernel_abi.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sprintf.h>

struct pci_dev *atslab_pci_dev_alloc(void)
{
	/* From the tree's heap, so a reset of the source kernel releases it with the rest. */
	return kzalloc(sizeof(struct pci_dev), GFP_KERNEL);
}

void atslab_pci_dev_free(struct pci_dev *pdev)
{
	if (pdev)
		kfree(pdev->dev.init_name);
	kfree(pdev);
}

void atslab_pci_dev_set_name(struct pci_dev *pdev, const char *name)
{
	kfree(pdev->dev.init_name);
	pdev->dev.init_name = kasprintf(GFP_KERNEL, "%s", name);
}

void atslab_pci_dev_load(struct pci_dev *pdev, const struct atslab_pci_fields *f, struct pci_dev *physfn)
{
	pdev->atslab_dev = f->dev;
	pdev->physfn = physfn;
	pdev->dev.atslab_kind = ATSLAB_DEV_PCI;
	pdev->dev.atslab_id = f->dev;
	pdev->vendor = f->vendor;
	pdev->device = f->device;
	pdev->pasid_enabled = f->pasid_enabled;
	pdev->pasid_cap = f->pasid_cap;
	pdev->pasid_features = f->pasid_features;
	pdev->pasid_no_tlp = f->pasid_no_tlp;
	pdev->eetlp_prefix_path = f->eetlp_prefix;
	pdev->eetlp_prefix_max = f->eetlp_prefix ? 1 : 0;
	pdev->ats_cap = f->ats_cap;
	pdev->ats_stu = f->ats_stu;
	pdev->ats_enabled = f->ats_enabled;
	pdev->untrusted = f->untrusted;
	pdev->is_virtfn = f->is_virtfn;
	pdev->is_physfn = f->is_physfn;
}

void atslab_pci_dev_save(const struct pci_dev *pdev, struct atslab_pci_fields *f)
{
	f->dev = pdev->atslab_dev;
	f->vendor = pdev->vendor;
	f->device = pdev->device;
	f->pasid_enabled = pdev->pasid_enabled;
	f->pasid_cap = pdev->pasid_cap;
	f->pasid_features = pdev->pasid_features;
	f->pasid_no_tlp = pdev->pasid_no_tlp;
	f->eetlp_prefix = pdev->eetlp_prefix_path || pdev->eetlp_prefix_max;
	f->ats_cap = pdev->ats_cap;
	f->ats_stu = pdev->ats_stu;
	f->ats_enabled = pdev->ats_enabled;
	f->untrusted = pdev->untrusted;
	f->is_virtfn = pdev->is_virtfn;
	f->is_physfn = pdev->is_physfn;
}
