#pragma once
// The 2026 IOMMU core's PCI reset handling (drivers/iommu/iommu.c): around a function's reset
// the device is parked on its group's blocking domain, group->domain kept, and attached back to
// group->domain afterwards, both through the driver's attach_dev. While any device of the group
// is being reset (group->recovery_cnt), a group domain change that may fail gets -EBUSY.
// Off (IommuCore::pci_dev_reset_iommu false, 6.12) both calls do nothing.
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::iommu {

// pci_dev_reset_iommu_prepare: 0 (nothing to do for a function without ATS support or IOMMU,
// or a nested call), or the blocking domain attach's error, the reset then being refused.
int pci_dev_reset_iommu_prepare(System& s, pci::DevId dev);
// pci_dev_reset_iommu_done: pairs a successful prepare; a failed re-attach is a WARN.
void pci_dev_reset_iommu_done(System& s, pci::DevId dev);

}  // namespace atslab::iommu
