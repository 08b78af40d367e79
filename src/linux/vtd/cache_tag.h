#pragma once
// drivers/iommu/intel/cache.c: a domain's cache tags say which IOTLBs and
// which device ATCs (DEVTLB tags, only for devices with ATS on) an unmap must invalidate.
#include <cstdint>

#include "linux/vtd/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::vtd {

// The IOTLB tag of (unit, did), and the DEVTLB tag when the device's ATS is on.
int cache_tag_assign_domain(System& s, DmarDomainId dd, InfoId info);
// The DEVTLB tag alone (probe_finalize, when ATS comes on with a domain attached).
int cache_tag_assign_devtlb(System& s, DmarDomainId dd, InfoId info);
void cache_tag_unassign_domain(System& s, DmarDomainId dd, InfoId info);
// IOTLB descriptors first, then device-IOTLB descriptors (queue depth and PFSID of each device).
void cache_tag_flush_range(System& s, DmarDomainId dd, uint64_t iova, uint64_t size);

}  // namespace atslab::vtd
