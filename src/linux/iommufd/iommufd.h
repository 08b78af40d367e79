#pragma once
// iommufd's device and page-table objects (drivers/iommu/iommufd/device.c, hw_pagetable.c,
// io_pagetable.c) as far as they move a device between domains: bind claims DMA ownership
// (the group goes to its blocking domain), attach and replace put it on a HWPT's paging
// domain, detach puts it back on blocked, unbind releases ownership (the default domain).
// Return codes are the kernel's.
#include <cstdint>

#include "linux/iommufd/iommufd_state.h"

namespace atslab {
struct System;
}

namespace atslab::iommufd {

// open("/dev/iommu"): a new context with its IOAS (IOMMU_IOAS_ALLOC folded in).
CtxId open_ctx(System& s);

// iommufd_device_bind: the device's iommufd_group in `ictx` (created on first use) and
// iommu_device_claim_dma_owner with the context as owner. Returns the new device's id, or a
// negative errno (-ENODEV without an IOMMU group, -EPERM when another owner or a kernel driver
// holds the group, the blocked attach's error).
int64_t device_bind(System& s, CtxId ictx, pci::DevId dev);
// iommufd_device_unbind -> iommufd_device_destroy: releases the DMA ownership (the group's last
// owner reference puts it back on its default domain) and the iommufd_group reference. The
// caller has detached it first (vfio_iommufd_physical_unbind does).
void device_unbind(System& s, IdevId idev);

// IOMMU_HWPT_ALLOC on the context's IOAS for a bound device: an UNMANAGED paging domain on its
// IOMMU, filled with the IOAS's mappings (iopt_table_add_domain). With IOMMU_HWPT_ALLOC_NEST_PARENT
// (`nest_parent`) the driver's domain_alloc_paging_flags makes it a nest parent (-EOPNOTSUPP where
// it cannot). With IOMMU_HWPT_ALLOC_PASID (`pasid_compat`) the HWPT may be attached to PASIDs
// (hwpt->pasid_compat); both flags at once are -EOPNOTSUPP (SMMUv3's and AMD-Vi's
// domain_alloc_paging_flags have no case for the pair). Returns its id or a negative errno (-ENOMEM).
int64_t hwpt_alloc(System& s, IdevId idev, bool nest_parent = false, bool pasid_compat = false);
// IOMMU_DESTROY of a HWPT: -EBUSY while a group is attached to it (or a vIOMMU holds a nest
// parent); otherwise its domain is freed (a nested HWPT's drops its vIOMMU's reference).
int hwpt_destroy(System& s, HwptId hwpt);

// IOMMU_NO_PASID: the `pasid` of the RID's attachment.
inline constexpr uint32_t kNoPasid = 0;

// iommufd_device_attach(idev, pasid, pt_id) (iommufd_hw_pagetable_attach): the first device of the
// group to attach `pasid` attaches the group (the RID: iommu_attach_group_handle; a PASID:
// iommu_attach_device_pasid); -EBUSY when the device is attached there already, -EINVAL when the
// group's `pasid` is attached to another HWPT, or when iommufd_hwpt_pasid_compat refuses: a PASID
// needs a pasid_compat HWPT and, if the RID is attached, a pasid_compat RID HWPT; the RID needs a
// pasid_compat HWPT while any PASID of the group is attached. iommufd_device_replace
// (iommufd_device_do_replace): -EINVAL when the device is not attached at `pasid`; the same HWPT
// is a no-op; then the same compat check and iommu_replace_group_handle or
// iommu_replace_device_pasid.
int device_attach(System& s, IdevId idev, HwptId hwpt, uint32_t pasid = kNoPasid);
int device_replace(System& s, IdevId idev, HwptId hwpt, uint32_t pasid = kNoPasid);
// iommufd_device_detach(idev, pasid): the last device of the group out detaches it (the RID:
// iommu_detach_group_handle, the blocking domain; a PASID: iommu_detach_device_pasid). Nothing
// when the device is not attached there.
void device_detach(System& s, IdevId idev, uint32_t pasid = kNoPasid);
bool device_attached(const System& s, IdevId idev);
// iommufd_device_is_attached(idev, pasid) for a PASID.
bool device_pasid_attached(const System& s, IdevId idev, uint32_t pasid);

// IOMMU_IOAS_MAP / IOMMU_IOAS_UNMAP on the context's IOAS: into (out of) every live paging HWPT
// of the context. Map: -EEXIST over an existing area, or the domain's error (undone). Unmap:
// -ENOENT when no area starts at `iova`.
int ioas_map(System& s, CtxId ictx, uint64_t iova, uint64_t paddr, uint64_t size);
int ioas_unmap(System& s, CtxId ictx, uint64_t iova);

}  // namespace atslab::iommufd
