/*
 * Stand-in for include/linux/property.h: firmware properties of a device.
 * Routes to: atslab_device_property (src/kernel_src/abi_platform.cc): what
 * the machine's firmware (the model's DT/IORT) says about the device.
 */
#ifndef ATSLAB_LINUX_PROPERTY_H
#define ATSLAB_LINUX_PROPERTY_H

#include <atslab/smmu_abi.h>
#include <linux/device.h>
#include <linux/errno.h>

struct fwnode_handle {
	struct device *dev; /* the device this node describes */
};

static inline struct fwnode_handle *dev_fwnode(const struct device *dev) { return dev->fwnode; }

static inline int device_property_read_u32(const struct device *dev, const char *name, u32 *val)
{
	unsigned long long v;
	if (!atslab_device_property((int)dev->atslab_kind, dev->atslab_id, name, &v))
		return -EINVAL;
	*val = (u32)v;
	return 0;
}

static inline bool device_property_read_bool(const struct device *dev, const char *name)
{
	unsigned long long v;
	return atslab_device_property((int)dev->atslab_kind, dev->atslab_id, name, &v) && v;
}

#endif
