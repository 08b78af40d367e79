#pragma once
// The driver's side of the command queue (arm_smmu_cmdq_issue_cmdlist):
// write commands into the ring, ring the doorbell, and for a sync wait until
// the SMMU has consumed the CMD_SYNC, handling command errors as
// arm_smmu_cmdq_skip_err does.
#include <cstdint>
#include <vector>

#include "hw/machine.h"
#include "hw/smmuv3/command.h"

namespace atslab::smmuv3 {

struct CmdqStats {
  unsigned atc_inv_timeouts = 0;  // CERROR_ATC_INV_SYNC seen while waiting
  unsigned illegal_skipped = 0;   // CERROR_ILL commands replaced by CMD_SYNC
};

// Returns 0, or -ETIMEDOUT when the CMD_SYNC never completed (the driver's
// "CMD_SYNC timeout") or the queue stayed full ("CMDQ timeout"; the kernel
// keeps polling there, the model gives up and writes no further command).
// A full queue is waited on before each command is written, so a list longer
// than the queue is written as the SMMU frees slots (the kernel's batches,
// CMDQ_BATCH_ENTRIES, never exceed the queue; callers here may).
// Simplification: a wait is rounds in which endpoints respond, ending after 16
// rounds in which nothing moved, not ARM_SMMU_POLL_TIMEOUT_US of time.
int cmdq_issue_cmdlist(hw::Machine& m, unsigned smmu, const std::vector<hw::smmuv3::Command>& cmds, bool sync,
                       CmdqStats* stats = nullptr);

// The CMD_SYNC the driver builds without MSI polling: CS=SEV.
hw::smmuv3::Command make_cmd_sync();
// arm_smmu_sync_cd's batch: CFGI_CD for `ssid` on each StreamID, Leaf as given (true for a CD's
// own update, false after a new L1 descriptor, whose cached copy goes too).
std::vector<hw::smmuv3::Command> make_cfgi_cd_cmds(const std::vector<uint32_t>& sids, uint32_t ssid, bool leaf);

}  // namespace atslab::smmuv3
