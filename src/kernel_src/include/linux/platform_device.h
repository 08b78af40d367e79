/*
 * Stand-in for include/linux/platform_device.h: the SMMU as a platform device.
 * Routes to: the glue's platform device for an SMMU (src/kernel_src/abi_platform.cc):
 * its MMIO resource is the SMMU's register window, ioremap gives the cookie
 * the MMIO accessors (linux/io.h) decode. No wired interrupts.
 */
#ifndef ATSLAB_LINUX_PLATFORM_DEVICE_H
#define ATSLAB_LINUX_PLATFORM_DEVICE_H

#include <atslab/smmu_abi.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/mod_devicetable.h>

struct platform_device {
	const char *name;
	int id;
	struct device dev;
	u32 num_resources;
	struct resource *resource;
};

struct platform_driver {
	int (*probe)(struct platform_device *);
	void (*remove_new)(struct platform_device *);
	void (*remove)(struct platform_device *);
	void (*shutdown)(struct platform_device *);
	struct device_driver driver;
};

extern const struct bus_type platform_bus_type;

#define to_platform_device(x) container_of((x), struct platform_device, dev)

static inline struct resource *platform_get_resource(struct platform_device *pdev, unsigned int type, unsigned int num)
{
	for (u32 i = 0; i < pdev->num_resources; i++)
		if ((pdev->resource[i].flags & type) && num-- == 0)
			return &pdev->resource[i];
	return NULL;
}
static inline int platform_get_irq_byname_optional(struct platform_device *dev, const char *name)
{
	(void)dev;
	(void)name;
	return -ENXIO;
}
static inline void *platform_get_drvdata(const struct platform_device *pdev) { return dev_get_drvdata(&pdev->dev); }
static inline void platform_set_drvdata(struct platform_device *pdev, void *data) { dev_set_drvdata(&pdev->dev, data); }
static inline void platform_driver_unregister(struct platform_driver *drv) { (void)drv; }

/* The register window of `res` as an MMIO cookie (atslab_ioremap). */
static inline void __iomem *devm_ioremap_resource(struct device *dev, const struct resource *res)
{
	void __iomem *p = atslab_ioremap(dev, res->start, resource_size(res));
	return p ? p : (void __iomem *)ERR_PTR(-ENOMEM);
}

#endif
