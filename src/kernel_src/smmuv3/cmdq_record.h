#pragma once
// The commands the tree's SMMUv3 driver hands the SMMU, in the record as
// atslab's own driver records the ones it issues (SmmuCommand, and
// AtcInvToAtsDisabled for an ATC_INV to an endpoint whose ATS is off, marked
// as from the driver's tracking when arm_smmu_atc_inv_domain sent it): read
// from the ring in DMA memory when the driver writes CMDQ_PROD, in order, so
// the history checks (19, 21, 23) and the comparisons read one record.
#include <cstdint>

namespace atslab {
struct System;
}

namespace atslab::kernel_src {

// The entries from the SMMU's current PROD up to `new_prod`, before the write reaches it.
void record_cmdq_prod(System& s, unsigned smmu, uint32_t new_prod);

}  // namespace atslab::kernel_src
