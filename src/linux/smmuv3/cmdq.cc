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

std::vector<hs::Command> make_cfgi_cd_cmds(const std::vector<uint32_t>& sids, uint32_t ssid, bool leaf) {
  std::vector<hs::Command> cmds;
  for (uint32_t sid : sids) {
    hs::Command c;
    c.op = hs::Op::CFGI_CD;
    c.sid = sid;
    c.ssid = ssid;
    c.leaf = leaf;
    cmds.push_back(c);
  }
  return cmds;
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
    s.cmdq.write(s.cmdq_cons & (s.cmdq_entries() - 1), hs::encode(make_cmd_sync()));
    if (stats) stats->illegal_skipped++;
  } else if (s.cerror == hs::reg::kCerrorAtcInvSync && stats) {
    stats->atc_inv_timeouts++;
  }
  hs::ack_gerror(m, idx);
}

bool error_pending(const hs::Smmu& s) { return ((s.gerror ^ s.gerrorn) & hs::reg::kGerrorCmdqErr) != 0; }

// The driver polling the queue (arm_smmu_cmdq_poll_until_not_full,
// arm_smmu_cmdq_poll_until_sync) until `done` holds. Each round the GERROR
// handler gets its turn (arm_smmu_cmdq_skip_err), then the endpoints do. A
// round in which no endpoint completed anything while a CMD_SYNC still waits on
// invalidations is the SMMU's ATC-invalidation timer expiring (an endpoint that
// ignores them); a slow endpoint that completes some each round, as its queue
// depth allows, is waited for. kMaxIdleRounds rounds in which nothing moved at
// all (no consumption, no completion, no error) is the driver's poll timeout.
template <class Done>
bool poll_until(hw::Machine& m, unsigned idx, CmdqStats* stats, Done done) {
  constexpr unsigned kMaxIdleRounds = 16;
  for (unsigned idle = 0; idle < kMaxIdleRounds;) {
    if (error_pending(m.smmus[idx])) handle_cmdq_error(m, idx, stats);
    if (done()) return true;
    const uint32_t cons = m.smmus[idx].cmdq_cons;
    const unsigned completed = hs::endpoints_respond(m, idx);
    if (done()) return true;
    if (completed == 0 && hs::cmdq_atc_inv_timeout(m, idx)) continue;  // CERROR 3, handled next round
    if (completed == 0 && cons == m.smmus[idx].cmdq_cons) idle++;
  }
  return false;
}

}  // namespace

int cmdq_issue_cmdlist(hw::Machine& m, unsigned idx, const std::vector<hs::Command>& cmds, bool sync,
                       CmdqStats* stats) {
  std::vector<hs::Command> all = cmds;
  if (sync) all.push_back(make_cmd_sync());
  for (const auto& c : all) {
    if (queue_space(m.smmus[idx]) == 0) {
      // Full: publish what is written so the SMMU can consume it, then wait for
      // a free slot; writing anyway would overwrite a command not yet consumed.
      hs::write_cmdq_prod(m, idx, m.smmus[idx].cmdq_prod);
      if (!poll_until(m, idx, stats, [&] { return queue_space(m.smmus[idx]) != 0; })) return -ETIMEDOUT;
    }
    hs::Smmu& s = m.smmus[idx];
    s.cmdq.write(s.cmdq_prod & (s.cmdq_entries() - 1), hs::encode(c));
    s.cmdq_prod = (s.cmdq_prod + 1) & (2 * s.cmdq_entries() - 1);
  }
  hs::write_cmdq_prod(m, idx, m.smmus[idx].cmdq_prod);
  if (!sync) return 0;
  const bool consumed = poll_until(m, idx, stats, [&] { return m.smmus[idx].cmdq_cons == m.smmus[idx].cmdq_prod; });
  return consumed ? 0 : -ETIMEDOUT;
}

}  // namespace atslab::smmuv3
