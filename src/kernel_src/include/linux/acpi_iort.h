/*
 * Stand-in for include/linux/acpi_iort.h.
 * Routes to: no IORT (CONFIG_ACPI off): no reserved memory regions.
 */
#ifndef ATSLAB_LINUX_ACPI_IORT_H
#define ATSLAB_LINUX_ACPI_IORT_H

#include <linux/list.h>
#include <linux/property.h>

static inline void iort_get_rmr_sids(struct fwnode_handle *iommu_fwnode, struct list_head *head)
{
	(void)iommu_fwnode;
	(void)head;
}
static inline void iort_put_rmr_sids(struct fwnode_handle *iommu_fwnode, struct list_head *head)
{
	(void)iommu_fwnode;
	(void)head;
}

#endif
