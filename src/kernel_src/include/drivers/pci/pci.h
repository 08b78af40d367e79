/*
 * Stand-in for drivers/pci/pci.h, the PCI core's private header (reached as
 * "pci.h" from drivers/pci/ats.c; the build puts this directory on the quote
 * path and does not copy the tree's own pci.h): the ats.c functions only the
 * core calls.
 * Routes to: the tree's own functions; src/kernel_src/ats.cc calls them. The
 * quirk the newer ats.c asks (pci_dev_specific_ats_required) reaches atslab's
 * PCI core, whose quirks stay ours.
 */
#ifndef ATSLAB_DRIVERS_PCI_PCI_H
#define ATSLAB_DRIVERS_PCI_PCI_H

#include <linux/pci.h>

void pci_ats_init(struct pci_dev *dev);
void pci_restore_ats_state(struct pci_dev *dev);
/* CONFIG_PCI_PASID: enumeration's capability lookup and pci_restore_state's write-back. */
void pci_pasid_init(struct pci_dev *dev);
void pci_restore_pasid_state(struct pci_dev *dev);

/* quirks.c (7.x): atslab's PCI core keeps the table (pci::dev_specific_ats_required). */
static inline bool pci_dev_specific_ats_required(struct pci_dev *dev)
{
	return atslab_pci_dev_specific_ats_required(dev->atslab_dev);
}

#endif
