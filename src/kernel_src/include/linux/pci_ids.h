/*
 * Stand-in for include/linux/pci_ids.h: the vendor and device IDs the driver
 * names (the PCI IDs database's values).
 * Routes to: constants.
 */
#ifndef ATSLAB_LINUX_PCI_IDS_H
#define ATSLAB_LINUX_PCI_IDS_H

#define PCI_VENDOR_ID_HUAWEI 0x19e5
#define PCI_VENDOR_ID_INTEL 0x8086
#define PCI_VENDOR_ID_MELLANOX 0x15b3
#define PCI_VENDOR_ID_NVIDIA 0x10de
#define PCI_VENDOR_ID_CXL 0x1e98

#endif
