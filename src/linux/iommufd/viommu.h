#pragma once
// iommufd's nesting objects (drivers/iommu/iommufd/viommu.c, hw_pagetable.c, driver.c) as far as
// they decide a device's ATS: a vIOMMU on a nest-parent paging HWPT (IOMMU_VIOMMU_ALLOC), the
// vDEVICEs that give a guest's virtual StreamIDs their devices (IOMMU_VDEVICE_ALLOC), nested HWPTs
// allocated on the vIOMMU from a guest's vSTE (IOMMU_HWPT_ALLOC with pt_id a vIOMMU), and the
// guest's invalidations (IOMMU_HWPT_INVALIDATE on the vIOMMU). Only the SMMUv3's vIOMMU type
// (IOMMU_VIOMMU_TYPE_ARM_SMMUV3) exists in the model. Return codes are the kernel's.
#include <array>
#include <cstdint>

#include "hw/smmuv3/command.h"
#include "linux/iommufd/iommufd_state.h"

namespace atslab {
struct System;
}

namespace atslab::iommufd {

// IOMMU_VIOMMU_ALLOC on `hwpt` for bound device `idev`: -EOPNOTSUPP when the device's IOMMU has no
// vIOMMU (get_viommu_size 0), -ENOENT when `hwpt` is not a live paging HWPT, -EINVAL when it is
// not a nest parent or is on another IOMMU (arm_vsmmu_init). The vIOMMU holds the HWPT (its
// IOMMU_DESTROY is -EBUSY). Returns the vIOMMU's id.
int64_t viommu_alloc(System& s, IdevId idev, HwptId hwpt);
// IOMMU_VDEVICE_ALLOC: `idev` is the guest's device `virt_id` (its vSID) on the vIOMMU. -ENOENT for
// a vIOMMU not live, -EINVAL when the device is behind another IOMMU, -EEXIST when the device has a
// vDEVICE already or `virt_id` is taken. Under the device's iommufd_group lock.
int vdevice_alloc(System& s, ViommuId viommu, IdevId idev, uint64_t virt_id);
// The vDEVICE's end with its device (iommufd_device_pre_destroy at unbind): the vSID names
// nothing any more.
void vdevice_destroy_of(System& s, IdevId idev);
// IOMMU_HWPT_ALLOC with pt_id a vIOMMU (iommufd_viommu_alloc_hwpt_nested) and the guest's vSTE as
// IOMMU_HWPT_DATA_ARM_SMMUV3: -ENOENT for a vIOMMU not live, -EINVAL for a device behind another
// IOMMU, else the driver's error (-EIO for a vSTE it refuses). Returns the HWPT's id; the HWPT
// holds the vIOMMU.
int64_t hwpt_alloc_nested(System& s, IdevId idev, ViommuId viommu, const std::array<uint64_t, 2>& vste);
// IOMMU_HWPT_INVALIDATE on the vIOMMU with one IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 entry: the
// guest's command, as its vSMMU's command queue held it. -ENOENT for a vIOMMU not live.
int viommu_invalidate(System& s, ViommuId viommu, const hw::smmuv3::Command& cmd);

// iommufd_viommu_get_vdev_id: the device's virtual ID on the vIOMMU, or -ENOENT.
int64_t viommu_get_vdev_id(const System& s, ViommuId viommu, pci::DevId dev);
// iommufd_viommu_find_dev: the device of virtual ID `vdev_id`, or pci::kNoDev.
pci::DevId viommu_find_dev(const System& s, ViommuId viommu, uint64_t vdev_id);

}  // namespace atslab::iommufd
