/*
 * Stand-in for include/linux/device.h: struct device and its managed (devm_)
 * resources.
 * Routes to: a struct device of ours that names what it stands for in atslab
 * (a pci::DevId, or an SMMU by index: atslab_kind/atslab_id), which
 * dev_printk (linux/dev_printk.h) prints as atslab's dmesg does. devm_
 * allocations are plain kernel heap: the devices that own them (the SMMUs)
 * are never unbound in the model, so they are never released.
 */
#ifndef ATSLAB_LINUX_DEVICE_H
#define ATSLAB_LINUX_DEVICE_H

#include <atslab/smmu_abi.h>
#include <linux/dev_printk.h>
#include <linux/slab.h>
#include <linux/types.h>
/* What the kernel's device.h reaches through its own includes (kobject, klist, pm, ...). */
#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/ratelimit.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

struct device_node;
struct fwnode_handle;
struct dev_iommu;
struct iommu_group;

enum atslab_dev_kind {
	ATSLAB_DEV_NONE = 0,
	ATSLAB_DEV_PCI = 1,      /* atslab_id: pci::DevId */
	ATSLAB_DEV_PLATFORM = 2, /* atslab_id: the SMMU's index in hw::Machine::smmus */
};

struct dev_msi_info {
	void *domain; /* no MSI domain: the SMMU's interrupts are wired (none are modelled) */
};

struct device_driver {
	const char *name;
	const struct of_device_id *of_match_table;
	bool suppress_bind_attrs;
};

struct device {
	struct device *parent;
	const char *init_name;
	struct device_driver *driver;
	void *driver_data;
	void *platform_data;
	struct device_node *of_node;
	struct fwnode_handle *fwnode;
	struct dev_iommu *iommu;
	struct iommu_group *iommu_group;
	struct dev_msi_info msi;
	u64 *dma_mask;
	u64 coherent_dma_mask;
	bool dma_coherent;
	enum atslab_dev_kind atslab_kind;
	unsigned int atslab_id;
};

static inline const char *dev_name(const struct device *dev) { return dev->init_name ? dev->init_name : "(unnamed)"; }
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }
static inline void *dev_get_platdata(const struct device *dev) { return dev->platform_data; }
static inline void put_device(struct device *dev) { (void)dev; }
static inline int dev_to_node(const struct device *dev) { (void)dev; return NUMA_NO_NODE; }
static inline struct device *get_device(struct device *dev) { return dev; }

static inline void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp) { (void)dev; return kzalloc(size, gfp); }
static inline void *devm_kcalloc(struct device *dev, size_t n, size_t size, gfp_t gfp)
{
	(void)dev;
	return kcalloc(n, size, gfp);
}
static inline unsigned long *devm_bitmap_zalloc(struct device *dev, unsigned int nbits, gfp_t gfp)
{
	return (unsigned long *)devm_kcalloc(dev, (nbits + 63) / 64, sizeof(unsigned long), gfp);
}
/* The action runs when the device is unbound, which the model never does. */
static inline int devm_add_action_or_reset(struct device *dev, void (*action)(void *), void *data)
{
	(void)dev;
	(void)action;
	(void)data;
	return 0;
}

/* The SMMU whose driver-model device has this firmware node (arm_smmu_get_by_fwnode). */
struct device *driver_find_device_by_fwnode(struct device_driver *drv, const struct fwnode_handle *fwnode);
/* The same found on a bus (newer trees ask the platform bus, not their driver). */
struct bus_type {
	const char *name;
};
struct device *bus_find_device_by_fwnode(const struct bus_type *bus, const struct fwnode_handle *fwnode);

#endif
