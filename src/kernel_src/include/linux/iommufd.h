/*
 * Stand-in for include/linux/iommufd.h: iommufd's objects as IOMMU drivers
 * see them, and the calls a driver's vIOMMU makes back into iommufd.
 * Routes to: atslab's iommufd (src/linux/iommufd/viommu.cc), which stays
 * ours. A vIOMMU here is the driver's object (struct arm_vsmmu embeds this
 * one): the glue allocates it the size the driver asks (get_viommu_size),
 * fills what iommufd's IOMMU_VIOMMU_ALLOC fills before the driver's
 * viommu_init, and names atslab's vIOMMU in `atslab_id`, through which the
 * lookups of its vDEVICEs reach atslab's (atslab_iommufd_viommu_*, in
 * src/kernel_src/smmuv3/viommu.cc). A tree without a vSMMU the stand-ins
 * serve (6.12) creates none: 6.12's header embeds nothing, 7.2's
 * struct arm_vsmmu embeds one whatever CONFIG_ARM_SMMU_V3_IOMMUFD says.
 */
#ifndef ATSLAB_LINUX_IOMMUFD_H
#define ATSLAB_LINUX_IOMMUFD_H

#include <linux/errno.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct iommufd_ctx;
struct iommu_device;
struct iommu_domain;
struct iommu_user_data;
struct iommu_user_data_array;
struct device;
struct iommufd_viommu_ops;

struct iommufd_viommu {
	struct iommufd_ctx *ictx;
	struct iommu_device *iommu_dev;
	const struct iommufd_viommu_ops *ops;
	/* Unused here: the vDEVICEs are atslab's (Viommu::vdevs); only its lock is taken. */
	struct xarray vdevs;
	unsigned int type; /* enum iommu_viommu_type */
	u32 atslab_id;     /* atslab's iommufd::ViommuId */
};

/* A vDEVICE as the driver's vdevice_init sees it: the device and the guest's ID for it. */
struct iommufd_vdevice {
	struct iommufd_viommu *viommu;
	struct device *dev;
	u64 virt_id;
};

struct iommufd_viommu_ops {
	void (*destroy)(struct iommufd_viommu *viommu);
	struct iommu_domain *(*alloc_domain_nested)(struct iommufd_viommu *viommu, u32 flags,
						    const struct iommu_user_data *user_data);
	int (*cache_invalidate)(struct iommufd_viommu *viommu, struct iommu_user_data_array *array);
	int (*vdevice_init)(struct iommufd_vdevice *vdev);
};

/* The driver's struct embeds the core's first: iommufd allocates the driver's size. */
#define VIOMMU_STRUCT_SIZE(drv_struct, member)                                                      \
	(sizeof(drv_struct) + 0 * sizeof(struct {                                                   \
		 _Static_assert(__builtin_offsetof(drv_struct, member) == 0, "core first");         \
		 int atslab_dummy;                                                                  \
	 }))

/* atslab's iommufd (src/kernel_src/smmuv3/viommu.cc): the vDEVICE of `vdev_id`, and a device's vDEVICE ID. */
struct device *atslab_iommufd_viommu_find_dev(u32 viommu, unsigned long vdev_id);
int atslab_iommufd_viommu_get_vdev_id(u32 viommu, struct device *dev, unsigned long *vdev_id);

static inline struct device *iommufd_vdevice_to_device(struct iommufd_vdevice *vdev)
{
	return vdev->dev;
}

/* The device whose vDEVICE on `viommu` has the guest's ID `vdev_id`, or NULL. */
static inline struct device *iommufd_viommu_find_dev(struct iommufd_viommu *viommu, unsigned long vdev_id)
{
	return atslab_iommufd_viommu_find_dev(viommu->atslab_id, vdev_id);
}

/* 0 with *vdev_id, the device's vDEVICE ID on `viommu`; -ENOENT without one. */
static inline int iommufd_viommu_get_vdev_id(struct iommufd_viommu *viommu, struct device *dev,
					     unsigned long *vdev_id)
{
	return atslab_iommufd_viommu_get_vdev_id(viommu->atslab_id, dev, vdev_id);
}

/*
 * An event for the guest's vEVENTQ. atslab's iommufd has no vEVENTQs: -EOPNOTSUPP, as
 * iommufd answers for a vIOMMU without a vEVENTQ of the type.
 */
static inline int iommufd_viommu_report_event(struct iommufd_viommu *viommu, unsigned int type, void *event_data,
					      size_t data_len)
{
	(void)viommu;
	(void)type;
	(void)event_data;
	(void)data_len;
	return -EOPNOTSUPP;
}

#endif
