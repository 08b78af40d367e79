/*
 * Stand-in for include/linux/msi.h.
 * Routes to: no MSI domain: the SMMU's MSI setup is skipped by the driver
 * itself (dev->msi.domain is NULL); these are never reached.
 */
#ifndef ATSLAB_LINUX_MSI_H
#define ATSLAB_LINUX_MSI_H

#include <linux/device.h>
#include <linux/errno.h>

struct msi_msg {
	u32 address_lo;
	u32 address_hi;
	u32 data;
};

struct msi_desc {
	struct device *dev;
	unsigned int msi_index;
};

typedef void (*irq_write_msi_msg_t)(struct msi_desc *desc, struct msi_msg *msg);

static inline struct device *msi_desc_to_dev(struct msi_desc *desc) { return desc->dev; }
static inline unsigned int msi_get_virq(struct device *dev, unsigned int index)
{
	(void)dev;
	(void)index;
	return 0;
}
static inline int platform_device_msi_init_and_alloc_irqs(struct device *dev, unsigned int nvec,
							  irq_write_msi_msg_t write_msi_msg)
{
	(void)dev;
	(void)nvec;
	(void)write_msi_msg;
	return -ENODEV;
}
static inline void platform_device_msi_free_irqs_all(struct device *dev) { (void)dev; }

#endif
