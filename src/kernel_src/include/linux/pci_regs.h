/*
 * Stand-in for include/uapi/linux/pci_regs.h: config-space layout, as the
 * PCIe specification defines it (the same values as hw/pcie/regs.h, which
 * the hardware model uses).
 * Routes to: nothing; the values are what the tree's code writes into the config space.
 */
#ifndef ATSLAB_LINUX_PCI_REGS_H
#define ATSLAB_LINUX_PCI_REGS_H

/* Extended capability IDs */
#define PCI_EXT_CAP_ID_ACS 0x0d
#define PCI_EXT_CAP_ID_ATS 0x0f
#define PCI_EXT_CAP_ID_SRIOV 0x10
#define PCI_EXT_CAP_ID_PRI 0x13
#define PCI_EXT_CAP_ID_PASID 0x1b
#define PCI_EXT_CAP_ID_DVSEC 0x23

/* Designated Vendor-Specific Extended Capability (PCIe r6.0 7.9.6) */
#define PCI_DVSEC_HEADER1 0x4                 /* Vendor ID in bits 15:0 */
#define PCI_DVSEC_HEADER2 0x8                 /* DVSEC ID in bits 15:0 */
/* CXL's PCIe DVSEC for CXL devices (CXL r3.1 8.1.3), DVSEC ID 0 under the CXL vendor ID */
#define PCI_DVSEC_CXL_DEVICE 0
#define PCI_DVSEC_CXL_CAP 0xa                 /* DVSEC CXL Capability register */
#define PCI_DVSEC_CXL_CACHE_CAPABLE 0x0001    /* Cache_Capable */

/* ATS capability (PCIe r6.0 10.5.1): offsets from the capability */
#define PCI_ATS_CAP 0x04                      /* ATS Capability register */
#define PCI_ATS_CAP_QDEP(x) ((x) & 0x1f)      /* Invalidate Queue Depth */
#define PCI_ATS_MAX_QDEP 32                   /* what a Queue Depth of 0 means */
#define PCI_ATS_CAP_PAGE_ALIGNED 0x0020       /* Page Aligned Request */
#define PCI_ATS_CTRL 0x06                     /* ATS Control register */
#define PCI_ATS_CTRL_ENABLE 0x8000            /* Enable */
#define PCI_ATS_CTRL_STU(x) ((x) & 0x1f)      /* Smallest Translation Unit, as a shift above 4 KiB */
#define PCI_ATS_MIN_STU 12                    /* an STU of 0 is 4 KiB */

/* PASID capability (PCIe r6.0 7.8.8): offsets from the capability */
#define PCI_PASID_CAP 0x04                    /* PASID Capability register */
#define PCI_PASID_CAP_EXEC 0x0002             /* Execute Permission Supported */
#define PCI_PASID_CAP_PRIV 0x0004             /* Privileged Mode Supported */
#define PCI_PASID_CAP_WIDTH 0x1f00            /* Max PASID Width */
#define PCI_PASID_CTRL 0x06                   /* PASID Control register */
#define PCI_PASID_CTRL_ENABLE 0x0001          /* PASID Enable */
#define PCI_PASID_CTRL_EXEC 0x0002            /* Execute Permission Enable */
#define PCI_PASID_CTRL_PRIV 0x0004            /* Privileged Mode Enable */

/* ACS capability (PCIe r6.0 7.7.8): the control bits pci_acs_path_enabled is asked about */
#define PCI_ACS_SV 0x0001                     /* Source Validation */
#define PCI_ACS_TB 0x0002                     /* Translation Blocking */
#define PCI_ACS_RR 0x0004                     /* P2P Request Redirect */
#define PCI_ACS_CR 0x0008                     /* P2P Completion Redirect */
#define PCI_ACS_UF 0x0010                     /* Upstream Forwarding */
#define PCI_ACS_EC 0x0020                     /* P2P Egress Control */
#define PCI_ACS_DT 0x0040                     /* Direct Translated P2P */

#endif
