#pragma once
// drivers/iommu/iommu.c's PASID attachments: group->pasid_array, iommu_attach_device_pasid,
// iommu_detach_device_pasid, and what the 2026 core's reset does to them. A PASID attach
// reaches every device of the group that has PASIDs (dev->iommu->max_pasids > 0).
#include <cstdint>

#include "linux/iommu/iommu_core.h"

namespace atslab {
struct System;
}

namespace atslab::iommu {

// iommu_driver_get_domain_for_dev: the RID's domain as a driver's set_dev_pasid must see it:
// the group's blocking domain while the device is parked there for a reset, else group->domain.
DomainId driver_get_domain_for_dev(const System& s, pci::DevId dev);
// dev_iommu_get_max_pasids, at probe: pci_max_pasids (the PF's capability for a VF) capped by
// the IOMMU's max_pasids; 0 without a PASID capability.
uint32_t dev_iommu_get_max_pasids(System& s, pci::DevId dev);

// The entry of `pasid` in the group's pasid_array, or nullptr.
const GroupPasid* group_pasid(const System& s, GroupId g, uint32_t pasid);

// iommu_attach_device_pasid(domain, dev, pasid), called by `dev`'s kernel driver (recorded as
// the entry's owner). -ENODEV without a group; -EOPNOTSUPP when the driver has no
// set_dev_pasid; -EINVAL for PASID 0 or a PASID beyond a member's max_pasids; -EBUSY during a
// reset (recovery_cnt) or when the PASID is taken; else the driver's result, after undoing the
// members already attached.
int attach_device_pasid(System& s, DomainId domain, pci::DevId dev, uint32_t pasid);
// iommu_replace_device_pasid (iommufd's): `pasid`, attached already, moves to `domain` through
// each member's set_dev_pasid with the current domain as `old`. -ENODEV, -EOPNOTSUPP, -EINVAL
// (another driver's domain, PASID 0) as the attach; -EBUSY during a reset; -EINVAL when the PASID
// is not attached; else the driver's result (the PASID keeps its domain on a failure). The same
// domain is 0 without a driver call.
int replace_device_pasid(System& s, DomainId domain, pci::DevId dev, uint32_t pasid);
// iommu_detach_device_pasid: every member with PASIDs that is not parked for a reset leaves the
// PASID (the blocked domain's set_dev_pasid, which must not fail: WARN), the entry is erased.
void detach_device_pasid(System& s, DomainId domain, pci::DevId dev, uint32_t pasid);
// A kernel driver's remove(): the PASIDs it attached are detached and their domains freed.
void detach_driver_pasids(System& s, pci::DevId dev);

// pci_dev_reset_iommu_prepare / _done, their PASID halves (under the group mutex, the device
// already marked blocked / unblocked): each PASID of the pasid_array parked on the blocked
// domain, and attached back to its domain from the blocking domain (a failure WARNs).
void reset_park_pasids(System& s, GroupId g, pci::DevId dev);
void reset_restore_pasids(System& s, GroupId g, pci::DevId dev);

}  // namespace atslab::iommu
