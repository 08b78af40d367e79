/*
 * Stand-in for include/linux/of.h: device-tree properties.
 * Routes to: atslab_device_property on the node's device: the model's
 * machine described as a device tree would describe it.
 */
#ifndef ATSLAB_LINUX_OF_H
#define ATSLAB_LINUX_OF_H

#include <atslab/smmu_abi.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/property.h>

struct device_node {
	struct fwnode_handle fwnode;
};

#define MAX_PHANDLE_ARGS 16
struct of_phandle_args {
	struct device_node *np;
	int args_count;
	uint32_t args[MAX_PHANDLE_ARGS];
};

static inline int of_property_read_u32(const struct device_node *np, const char *name, u32 *out)
{
	return device_property_read_u32(np->fwnode.dev, name, out);
}
static inline bool of_property_read_bool(const struct device_node *np, const char *name)
{
	return device_property_read_bool(np->fwnode.dev, name);
}
/* atslab's SMMUs are the architected SMMUv3, no vendor's implementation (no Tegra CMDQV, no HiSilicon quirk). */
static inline bool of_device_is_compatible(const struct device_node *np, const char *compat)
{
	(void)np;
	return strcmp(compat, "arm,smmu-v3") == 0;
}
static inline bool of_dma_is_coherent(struct device_node *np) { return of_property_read_bool(np, "dma-coherent"); }

#endif
