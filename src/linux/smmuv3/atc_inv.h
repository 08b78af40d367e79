#pragma once
// ATC invalidation commands as the driver builds them: the range encoding of
// arm_smmu_atc_inv_to_cmd and the whole-ATC flush of arm_smmu_atc_inv_master.
#include <cstdint>
#include <vector>

#include "hw/machine.h"
#include "hw/smmuv3/command.h"
#include "linux/smmuv3/cmdq.h"

namespace atslab::smmuv3 {

inline constexpr uint32_t kIommuNoPasid = 0;  // IOMMU_NO_PASID

// One ATC_INV covering [iova, iova+size) with the smallest naturally aligned
// power-of-two span of 4 KiB pages; size 0 means the whole ATC (SIZE=52).
// SSV is set iff ssid != IOMMU_NO_PASID.
hw::smmuv3::Command atc_inv_to_cmd(uint32_t sid, uint32_t ssid, uint64_t iova, uint64_t size);

// One whole-ATC ATC_INV per stream of the master for `ssid`, then CMD_SYNC.
int atc_inv_master(hw::Machine& m, unsigned smmu, const std::vector<uint32_t>& sids, uint32_t ssid,
                   CmdqStats* stats = nullptr);

}  // namespace atslab::smmuv3
