/*
 * Stand-in for include/linux/iommufd.h: iommufd's objects as IOMMU drivers
 * see them. Newer SMMUv3 headers (7.2) embed a vIOMMU in their own struct
 * unconditionally, so the type must be complete; with
 * CONFIG_ARM_SMMU_V3_IOMMUFD off (as here) nothing creates one.
 * Routes to: nothing (iommufd and the vSMMU are issue 18's nested path).
 */
#ifndef ATSLAB_LINUX_IOMMUFD_H
#define ATSLAB_LINUX_IOMMUFD_H

#include <linux/types.h>

struct iommufd_ctx;
struct iommu_device;

struct iommufd_viommu {
	struct iommufd_ctx *ictx;
	struct iommu_device *iommu_dev;
};

#endif
