#pragma once
// drivers/iommu/iommu-sva.c: a device's driver binding a process's address space
// (iommu_sva_bind_device / iommu_sva_unbind_device), the mm's global PASID and its SVA domains,
// one per (mm, IOMMU instance) and shared by every device of that instance bound to the mm.
#include <cstdint>

#include "linux/iommu/iommu_core.h"
#include "linux/mm/mm_state.h"

namespace atslab {
struct System;
}

namespace atslab::iommu {

// iommu_alloc_global_pasid: the lowest free PASID from 1 (IOMMU_FIRST_GLOBAL_PASID) to the
// device's max_pasids - 1; 0 (IOMMU_PASID_INVALID in the kernel) when none is free or the device
// has no PASIDs. iommu_free_global_pasid gives it back.
uint32_t alloc_global_pasid(System& s, pci::DevId dev);
void free_global_pasid(System& s, uint32_t pasid);

// iommu_sva_bind_device(dev, mm). Returns 0 (the bond made, or its refcount taken) or: -ENODEV
// without a group, -EOVERFLOW when the mm's PASID is beyond this device's max_pasids, -ENOSPC
// when no global PASID is free, -EBUSY when the group's PASID holds another domain, the errors
// of the driver's domain_alloc_sva (-EOPNOTSUPP without SVA) and of iommu_attach_device_pasid.
int sva_bind_device(System& s, pci::DevId dev, mm::MmId mm);
// iommu_sva_unbind_device of the bond of `dev`'s group with `mm`: its refcount dropped; the last
// detaches the PASID and, with the domain's last bond, frees the domain. Void, as the kernel's:
// the caller holds the handle a bind gave it, so the bond exists (sva_bond(); the driver's
// side refuses an unbind it has no handle for before calling).
void sva_unbind_device(System& s, pci::DevId dev, mm::MmId mm);
// The bond of `dev`'s group with `mm` (the group's pasid_array entry of the mm's PASID, an SVA
// domain of that mm), or nullptr.
const GroupPasid* sva_bond(const System& s, pci::DevId dev, mm::MmId mm);
// iommu_domain_free of an SVA domain: the driver's free, then the domain's mmdrop.
void sva_domain_free(System& s, DomainId d);
// mm_pasid_drop: the mm_struct is going; its PASID is freed.
void mm_pasid_drop(System& s, mm::MmId mm);

}  // namespace atslab::iommu
