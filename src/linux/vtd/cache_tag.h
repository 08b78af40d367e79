#pragma once
// drivers/iommu/intel/cache.c: a domain's cache tags say which IOTLBs and
// which device ATCs (DEVTLB tags, only for devices with ATS on) an unmap must invalidate.
#include <cstdint>

#include "linux/vtd/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::vtd {

// The domain attached to the device's `pasid` (0: IOMMU_NO_PASID, the RID): the IOTLB tag of
// (unit, did, pasid), and the DEVTLB tag of (device, pasid) when the device's ATS is on.
int cache_tag_assign_domain(System& s, DmarDomainId dd, InfoId info, uint32_t pasid = 0);
// The DEVTLB tag alone (probe_finalize, when ATS comes on with a domain attached).
int cache_tag_assign_devtlb(System& s, DmarDomainId dd, InfoId info, uint32_t pasid = 0);
// The IOTLB tag's user, and the DEVTLB tag's if the device's ATS is recorded on now.
void cache_tag_unassign_domain(System& s, DmarDomainId dd, InfoId info, uint32_t pasid = 0);
// IOTLB descriptors first, then device-IOTLB descriptors (queue depth and PFSID of each device;
// PASID-based ones for a PASID's DEVTLB tag).
void cache_tag_flush_range(System& s, DmarDomainId dd, uint64_t iova, uint64_t size);

}  // namespace atslab::vtd
