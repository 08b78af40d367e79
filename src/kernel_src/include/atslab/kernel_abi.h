/*
 * The calls the stand-in headers make into atslab: not a kernel header, the
 * seam between the tree's C code and atslab's C++ (the .cc files of src/kernel_src
 * implement them against the System of the call in progress). Plain C, so
 * both sides include it.
 */
#ifndef ATSLAB_KERNEL_ABI_H
#define ATSLAB_KERNEL_ABI_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pci_dev;

/* Config space of the function behind a pci::DevId: pci::read_config_* / write_config_*. */
int atslab_pci_read_config(unsigned int dev, int where, int size, unsigned int *val);
int atslab_pci_write_config(unsigned int dev, int where, int size, unsigned int val);
/* The ATS capability walk of hw::pcie (find_ext_cap) on the function's config space. */
unsigned short atslab_pci_find_ext_capability(unsigned int dev, int cap);
/* The same walk, going on after the capability at `start` (DVSECs repeat): find_next_ext_cap. */
unsigned short atslab_pci_find_next_ext_capability(unsigned int dev, unsigned short start, int cap);
/* The PCI core's quirk table of devices that need ATS to work (pci::dev_specific_ats_required). */
bool atslab_pci_dev_specific_ats_required(unsigned int dev);
/* The pci=noats switch (PciCoreSwitches::noats). */
bool atslab_pci_ats_disabled(void);
/* pci_acs_path_enabled: the PCI core's ACS walk from dev up to end (ATSLAB_NO_PCI_DEV: the root bus). */
#define ATSLAB_NO_PCI_DEV 0xffffffffu
bool atslab_pci_acs_path_enabled(unsigned int dev, unsigned int end, unsigned short acs_flags);

/* The kernel heap (kmalloc, kfree): the C library's, through atslab so fault points can reach it. */
void *atslab_kmalloc(unsigned long size, bool zero);
void atslab_kfree(const void *p);
/* kfree after the grace period: when the outermost call into the tree returns (linux/rcupdate.h). */
void atslab_kfree_rcu(const void *p);

/*
 * printk and dev_printk: level 3 err .. 7 debug; dev NULL for pr_*. Formats
 * with the kernel's conversions (%pa, %pe, ... in src/kernel_src/shim/printf.c)
 * and hands the line to the record (atslab_log).
 */
struct device;
void atslab_printk(int level, const struct device *dev, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * A formatted line for the record. dev_kind 0: no device (pr_*); 1: the PCI
 * device dev_id (pci::DevId), printed as atslab's dev_printk prints it; 2: a
 * platform device, printed "driver name: text".
 */
void atslab_log(int level, int dev_kind, unsigned int dev_id, const char *driver, const char *name, const char *text);

/* A WARN fired at file:line in func: kernel::warn_on with the tree's file and line. */
void atslab_warn(const char *file, int line, const char *func, const char *cond);
/* WARN(cond, fmt, ...): the message takes the condition's place. */
void atslab_warn_fmt(const char *file, int line, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* BUG(): the kernel would oops; the call is abandoned with the report (an atslab error). */
__attribute__((noreturn)) void atslab_bug(const char *file, int line, const char *func);

/*
 * The struct pci_dev fields the tree's files read and write, as atslab's
 * pci::PciDev holds them. The glue fills a struct pci_dev from these before a
 * call and reads them back after it (src/kernel_src/shim/pci_dev_fields.c, compiled
 * with the stand-ins, is the only code that knows the struct's layout).
 */
struct atslab_pci_fields {
	unsigned int dev; /* pci::DevId */
	unsigned short vendor;
	unsigned short device;
	unsigned short ats_cap;
	unsigned char ats_stu;
	bool ats_enabled;
	bool untrusted;
	bool is_virtfn;
	bool is_physfn;
	bool pasid_enabled;
	unsigned short pasid_cap;
	unsigned short pasid_features;
	bool pasid_no_tlp;
	bool eetlp_prefix; /* eetlp_prefix_path (6.12), eetlp_prefix_max != 0 (7.x) */
};

struct pci_dev *atslab_pci_dev_alloc(void);
void atslab_pci_dev_free(struct pci_dev *pdev);
/* physfn: the PF's struct for a VF (pci_physfn), NULL otherwise. */
void atslab_pci_dev_load(struct pci_dev *pdev, const struct atslab_pci_fields *f, struct pci_dev *physfn);
void atslab_pci_dev_save(const struct pci_dev *pdev, struct atslab_pci_fields *f);
/* dev_name() of the struct (the BDF, as the kernel names a PCI device): copied. */
void atslab_pci_dev_set_name(struct pci_dev *pdev, const char *name);

/*
 * A named fault point (faults::parse_point: "pci_enable_ats", ...) asked where
 * the tree's code reaches it: 0, or the error to fail with.
 */
int atslab_fault_inject(const char *point);

/* What the build compiled (generated per tree: cmake/KernelTree.cmake). */
extern const char atslab_kernel_tree_version[];   /* "6.12.118", from the tree's Makefile */
extern const char atslab_kernel_tree_origin[];    /* the tarball or directory it came from */
extern const char atslab_kernel_tree_files[];     /* the tree's .c files compiled, space-separated */
extern const char atslab_kernel_tree_sha256[];    /* "FILE=SHA256 ..." of those files, as compiled */
/* atslab/tree_api.h's answers about the tree's kernel (src/kernel_src/shim/tree_api.c). */
bool atslab_tree_has_pci_dev_reset_iommu(void);

#ifdef __cplusplus
}
#endif

#endif
