/*
 * Ours: what atslab/tree_api.h (generated from the tree's own headers by
 * cmake/KernelTree.cmake) says about the tree's kernel, for atslab's C++
 * side, which configures its own IOMMU core to match (sim::model_as_tree).
 */
#include <stdbool.h>

#include <atslab/tree_api.h>

bool atslab_tree_has_pci_dev_reset_iommu(void)
{
#ifdef ATSLAB_TREE_PCI_DEV_RESET_IOMMU
	return true;
#else
	return false;
#endif
}
