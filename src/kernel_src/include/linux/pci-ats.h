/*
 * Stand-in for include/linux/pci-ats.h: the ATS and PASID API drivers/pci/ats.c
 * defines (CONFIG_PCI_ATS and CONFIG_PCI_PASID are on: the tree's definitions are
 * the ones linked; CONFIG_PCI_PRI is off and nothing here calls its half).
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

/* CONFIG_PCI_PASID is on (linux/kconfig.h): the tree's PASID half, its definitions linked. */
int pci_enable_pasid(struct pci_dev *pdev, int features);
void pci_disable_pasid(struct pci_dev *pdev);
int pci_pasid_features(struct pci_dev *pdev);
int pci_max_pasids(struct pci_dev *pdev);
int pci_pasid_status(struct pci_dev *pdev);

#endif
