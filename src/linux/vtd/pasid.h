#pragma once
// drivers/iommu/intel: a domain on a device's PASID (scalable mode). intel_iommu_set_dev_pasid
// and the blocking domain's set_dev_pasid write and tear down the PASID's entry in the device's
// PASID table (pasid.c) and keep the domain's cache tags for (DID, PASID); neither touches the
// device's ATS, which scalable mode enabled once at probe_finalize. Legacy mode has no PASID
// tables: the unit reports no PASIDs (max_pasids 0), so the core never calls these for it.
#include <cstdint>

#include "linux/iommu/iommu_core.h"
#include "linux/vtd/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::vtd {

// intel_pasid_alloc_table, at probe (scalable mode): sizes the device's PASID directory from
// pci_max_pasids() (its PF's capability for a VF) capped by intel_pasid_max_id, when the info
// has PASID support; a directory is a page at least, so max_pasid is 1 << 15 at least.
void intel_pasid_alloc_table(System& s, InfoId info);

// intel_iommu_set_dev_pasid (the paging domains' set_dev_pasid): -EOPNOTSUPP without
// pasid_supported(iommu) (legacy mode); -EINVAL for a domain of another unit; the cache tags of
// (DID, PASID), a DEVTLB tag only with info->ats_enabled (domain_add_dev_pasid); from `old` (a
// reset's return from the blocking domain) the entry torn down first; the PASID's entry written
// (intel_pasid_setup_second_level: -ENODEV past the table, -EBUSY if present); `old`'s tags
// dropped. On a failure the new tags are dropped again.
int set_dev_pasid(System& s, iommu::DomainId domain, pci::DevId dev, uint32_t pasid, iommu::DomainId old);
// blocking_domain_set_dev_pasid: the PASID's entry torn down (intel_pasid_tear_down_entry: the
// PASID-based device-IOTLB invalidation of the whole PASID, if ATS is recorded on), then
// domain_remove_dev_pasid(old). Never fails.
int blocking_set_dev_pasid(System& s, iommu::DomainId blocked, pci::DevId dev, uint32_t pasid, iommu::DomainId old);

}  // namespace atslab::vtd
