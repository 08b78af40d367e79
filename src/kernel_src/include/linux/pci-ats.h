/*
 * Stand-in for include/linux/pci-ats.h: the ATS API drivers/pci/ats.c
 * defines (CONFIG_PCI_ATS is on: the tree's definitions are the ones linked).
 * Routes to: the tree's own functions; src/kernel_src/ats.cc calls them.
 */
#ifndef ATSLAB_LINUX_PCI_ATS_H
#define ATSLAB_LINUX_PCI_ATS_H

#include <linux/pci.h>

bool pci_ats_supported(struct pci_dev *dev);
int pci_enable_ats(struct pci_dev *dev, int ps);
void pci_disable_ats(struct pci_dev *dev);
int pci_ats_queue_depth(struct pci_dev *dev);
int pci_ats_page_aligned(struct pci_dev *dev);
int pci_prepare_ats(struct pci_dev *dev, int ps);
/* Newer trees (7.2): whether the device cannot work without ATS (CXL.cache, a quirk). */
bool pci_ats_required(struct pci_dev *dev);

/*
 * CONFIG_PCI_PASID is off (linux/kconfig.h): what the kernel's header gives
 * then, no PASID support; atslab's model runs PASID (src/linux/pci/pri_pasid.cc).
 */
static inline int pci_enable_pasid(struct pci_dev *pdev, int features) { (void)pdev; (void)features; return -EINVAL; }
static inline void pci_disable_pasid(struct pci_dev *pdev) { (void)pdev; }
static inline int pci_pasid_features(struct pci_dev *pdev) { (void)pdev; return -EINVAL; }
static inline int pci_max_pasids(struct pci_dev *pdev) { (void)pdev; return -EINVAL; }

#endif
