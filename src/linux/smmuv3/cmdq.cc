#include "linux/smmuv3/cmdq.h"

#include "hw/smmuv3/cmdq.h"
#include "linux/kernel/errno.h"

namespace atslab::smmuv3 {

namespace hs = hw::smmuv3;

hs::Command make_cmd_sync() {
  hs::Command c;
  c.op = hs::Op::CMD_SYNC;
  c.cs = uint8_t(hs::cmdq::kSyncCsSev);
  return c;
}

namespace {

uint32_t queue_space(const hs::Smmu& s) {
  const uint32_t n = s.cmdq_entries();
  const uint32_t used = (s.cmdq_prod - s.cmdq_cons) & (2 * n - 1);
  return n - used;
}

// arm_smmu_cmdq_skip_err: an illegal command is overwritten by a CMD_SYNC;
// an ATC invalidation timeout is not skipped, CONS stays on the CMD_SYNC and
// it is simply retried.
void handle_cmdq_error(hw::Machine& m, unsigned idx, CmdqStats* stats) {
  hs::Smmu& s = m.smmus[idx];
  if (s.cerror == hs::reg::kCerrorIll) {
    s.cmdq[s.cmdq_cons & (s.cmdq_entries() - 1)] = hs::encode(make_cmd_sync());
    if (stats) stats->illegal_skipped++;
  } else if (s.cerror == hs::reg::kCerrorAtcInvSync && stats) {
    stats->atc_inv_timeouts++;
  }
  hs::ack_gerror(m, idx);
}

bool error_pending(const hs::Smmu& s) { return ((s.gerror ^ s.gerrorn) & hs::reg::kGerrorCmdqErr) != 0; }

}  // namespace

int cmdq_issue_cmdlist(hw::Machine& m, unsigned idx, const std::vector<hs::Command>& cmds, bool sync,
                       CmdqStats* stats) {
  std::vector<hs::Command> all = cmds;
  if (sync) all.push_back(make_cmd_sync());
  for (const auto& c : all) {
    if (queue_space(m.smmus[idx]) == 0) hs::write_cmdq_prod(m, idx, m.smmus[idx].cmdq_prod);
    hs::Smmu& s = m.smmus[idx];
    s.cmdq[s.cmdq_prod & (s.cmdq_entries() - 1)] = hs::encode(c);
    s.cmdq_prod = (s.cmdq_prod + 1) & (2 * s.cmdq_entries() - 1);
  }
  hs::write_cmdq_prod(m, idx, m.smmus[idx].cmdq_prod);
  if (!sync) return 0;
  for (int round = 0; round < 16; round++) {
    if (error_pending(m.smmus[idx])) handle_cmdq_error(m, idx, stats);
    if (m.smmus[idx].cmdq_cons == m.smmus[idx].cmdq_prod) return 0;
    hs::endpoints_respond(m, idx);
    if (m.smmus[idx].cmdq_cons == m.smmus[idx].cmdq_prod) return 0;
    // Still waiting: the SMMU's own ATC-invalidation timer fires.
    hs::cmdq_atc_inv_timeout(m, idx);
  }
  return -ETIMEDOUT;
}

}  // namespace atslab::smmuv3
