/*
 * Stand-in for include/linux/pci.h: struct pci_dev and the PCI core's
 * accessors.
 * Routes to: atslab's PCI core, which stays ours (enumeration, quirks, SR-IOV).
 * struct pci_dev mirrors pci::PciDev: src/kernel_src fills one from the
 * System before each call into the tree and writes its fields back after, so
 * the System stays the one value (the tree's ats.c keeps no state of its own).
 * The config accessors reach pci::read_config_* / write_config_* (a config
 * write is recorded, and fault points such as config_write.drop apply), the
 * capability walk is hw::pcie's, pci_ats_disabled() is the pci=noats switch,
 * pci_acs_path_enabled() the PCI core's ACS walk (pci::acs_path_enabled).
 */
#ifndef ATSLAB_LINUX_PCI_H
#define ATSLAB_LINUX_PCI_H

#include <atslab/kernel_abi.h>
#include <linux/bug.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/pci_ids.h>
#include <linux/pci_regs.h>
#include <linux/types.h>

#define PCIBIOS_SUCCESSFUL 0x00

/* Only the fields the tree's files read or write; atslab_pci_fields lists the same. */
struct pci_dev {
	unsigned int atslab_dev; /* atslab: the pci::DevId this struct mirrors */
	struct pci_dev *physfn;  /* a VF's PF (the kernel shares the word with a PF's sriov) */
	struct device dev;       /* dev.atslab_kind ATSLAB_DEV_PCI, dev.atslab_id the DevId */
	unsigned short vendor;
	unsigned short device;
	unsigned int is_virtfn:1;
	unsigned int is_physfn:1;
	unsigned int untrusted:1;
	unsigned int ats_enabled:1;
	unsigned int pasid_enabled:1;
	unsigned int pasid_no_tlp:1;      /* PASID works without TLP prefixes (a quirk) */
	unsigned int eetlp_prefix_path:1; /* 6.12: End-End TLP Prefixes supported on the path */
	u8 eetlp_prefix_max;              /* 7.x: how many, 0 for none (the same fact, one tree's form each) */
	u16 ats_cap;
	u8 ats_stu;
	u16 pasid_cap;
	u16 pasid_features;
};

#define to_pci_dev(d) container_of(d, struct pci_dev, dev)
static inline bool dev_is_pci(const struct device *dev) { return dev->atslab_kind == ATSLAB_DEV_PCI; }

static inline int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val)
{
	unsigned int v;
	int ret = atslab_pci_read_config(dev->atslab_dev, where, 1, &v);
	*val = (u8)v;
	return ret;
}

static inline int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val)
{
	unsigned int v;
	int ret = atslab_pci_read_config(dev->atslab_dev, where, 2, &v);
	*val = (u16)v;
	return ret;
}

static inline int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val)
{
	unsigned int v;
	int ret = atslab_pci_read_config(dev->atslab_dev, where, 4, &v);
	*val = v;
	return ret;
}

static inline int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val)
{
	return atslab_pci_write_config(dev->atslab_dev, where, 1, val);
}

static inline int pci_write_config_word(const struct pci_dev *dev, int where, u16 val)
{
	return atslab_pci_write_config(dev->atslab_dev, where, 2, val);
}

static inline int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val)
{
	return atslab_pci_write_config(dev->atslab_dev, where, 4, val);
}

static inline u16 pci_find_ext_capability(struct pci_dev *dev, int cap)
{
	return atslab_pci_find_ext_capability(dev->atslab_dev, cap);
}

static inline u16 pci_find_next_ext_capability(struct pci_dev *dev, u16 start, int cap)
{
	return atslab_pci_find_next_ext_capability(dev->atslab_dev, start, cap);
}

/* The DVSEC of one vendor and DVSEC ID: DVSEC capabilities repeat, each names its owner. */
static inline u16 pci_find_dvsec_capability(struct pci_dev *dev, u16 vendor, u16 dvsec)
{
	u16 pos;

	for (pos = pci_find_ext_capability(dev, PCI_EXT_CAP_ID_DVSEC); pos;
	     pos = pci_find_next_ext_capability(dev, pos, PCI_EXT_CAP_ID_DVSEC)) {
		u16 owner, id;

		pci_read_config_word(dev, pos + PCI_DVSEC_HEADER1, &owner);
		pci_read_config_word(dev, pos + PCI_DVSEC_HEADER2, &id);
		if (owner == vendor && id == dvsec)
			return pos;
	}
	return 0;
}

static inline struct pci_dev *pci_physfn(struct pci_dev *dev)
{
	return dev->is_virtfn ? dev->physfn : dev;
}

/*
 * drivers/pci/pci.c: whether every device from start up to end (NULL: the root
 * bus) has the ACS controls in acs_flags enabled -> pci::acs_path_enabled, the
 * PCI core's own walk over atslab's topology (ACS stays atslab's: pci_acs_init).
 */
static inline bool pci_acs_path_enabled(struct pci_dev *start, struct pci_dev *end, u16 acs_flags)
{
	return atslab_pci_acs_path_enabled(start->atslab_dev, end ? end->atslab_dev : ATSLAB_NO_PCI_DEV, acs_flags);
}

static inline bool pci_ats_disabled(void)
{
	return atslab_pci_ats_disabled();
}

#endif
