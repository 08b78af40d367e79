/*
 * Stand-in for include/linux/kconfig.h, force-included into every tree file
 * as the kernel's own build does: the configuration the source driver is
 * built with, and IS_ENABLED().
 * Routes to: nothing in atslab; it chooses which parts of the tree's files exist.
 */
#ifndef ATSLAB_LINUX_KCONFIG_H
#define ATSLAB_LINUX_KCONFIG_H

#define CONFIG_64BIT 1
#define CONFIG_PCI 1
#define CONFIG_PCI_ATS 1
#define CONFIG_PCI_IOV 1
/*
 * The PASID half of drivers/pci/ats.c is the tree's (issue 18): pci_enable_pasid and its kin,
 * as the SMMUv3 driver's probe and atslab's PCI core call them (src/kernel_src/ats.cc).
 */
#define CONFIG_PCI_PASID 1
/* The io-pgtable formats the SMMUv3 driver uses (drivers/iommu/io-pgtable.c's table). */
#define CONFIG_IOMMU_IO_PGTABLE_LPAE 1
/*
 * The SMMUv3 driver's SVA half (arm-smmu-v3-sva.c: SVA domains, the mm notifier), compiled into
 * the same wrapper as arm-smmu-v3.c (src/kernel_src/wrap), for a tree whose SVA file has a form
 * the stand-ins serve, as cmake/KernelTree.cmake probed it into atslab/tree_api.h:
 * ATSLAB_TREE_SVA (6.12's, with IOMMU_DEV_FEAT_SVA) or ATSLAB_TREE_SVA_DOMAIN_INV (7.2's, whose
 * notifier invalidates through the domain's invalidation array).
 */
#include <atslab/tree_api.h>
#if defined(ATSLAB_TREE_SVA) || defined(ATSLAB_TREE_SVA_DOMAIN_INV)
#define CONFIG_ARM_SMMU_V3_SVA 1
#endif
/*
 * The vSMMU half (arm-smmu-v3-iommufd.c: vIOMMUs, nested domains, the guest's invalidations), in
 * the same wrapper, for a tree whose file has the form the stand-ins serve (ATSLAB_TREE_VSMMU:
 * 7.2's get_viommu_size and viommu_init) and whose copy holds it (a copy made without it, as a
 * design script's may be, builds without the option).
 */
#if defined(ATSLAB_TREE_VSMMU) && __has_include("drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c")
#define CONFIG_ARM_SMMU_V3_IOMMUFD 1
#endif
/*
 * CONFIG_PCI_PRI stays unset: nothing on the PASID path calls the PRI half of drivers/pci/ats.c
 * (PRI is for I/O page faults, IOPF, which the SMMUv3 driver only takes from stalling masters,
 * never from a PCI function's page requests), so atslab's model (src/linux/pci/pri_pasid.cc) runs it.
 */

/*
 * IS_ENABLED(CONFIG_X): 1 when CONFIG_X is defined to 1, else 0. A defined
 * option expands to 1, which pastes into ATSLAB_KCONFIG_ON_1 and shifts a 1 into
 * the second slot; an undefined one leaves a lone token there and 0 wins.
 */
#define ATSLAB_KCONFIG_ON_1 0,
#define ATSLAB_KCONFIG_SECOND(a, b, ...) b
#define ATSLAB_KCONFIG_PICK(on_or_name) ATSLAB_KCONFIG_SECOND(on_or_name 1, 0, 0)
#define ATSLAB_KCONFIG_IS_1(x) ATSLAB_KCONFIG_PICK(ATSLAB_KCONFIG_ON_##x)
#define IS_ENABLED(option) ATSLAB_KCONFIG_IS_1(option)
#define IS_BUILTIN(option) IS_ENABLED(option)
#define IS_REACHABLE(option) IS_ENABLED(option)

#endif
