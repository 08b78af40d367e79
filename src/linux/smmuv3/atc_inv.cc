#include "linux/smmuv3/atc_inv.h"

#include <bit>

namespace atslab::smmuv3 {

namespace hs = hw::smmuv3;

hs::Command atc_inv_to_cmd(uint32_t sid, uint32_t ssid, uint64_t iova, uint64_t size) {
  hs::Command c;
  c.op = hs::Op::ATC_INV;
  c.sid = sid;
  c.ssid = ssid;
  c.ssv = ssid != kIommuNoPasid;
  if (size == 0) {
    c.size = hs::cmdq::kAtcInvSizeAll;
    return c;
  }
  // The ATS invalidation format only carries naturally aligned power-of-two
  // ranges: widen to the span in which start and end pages agree above.
  const uint64_t start = iova >> 12, end = (iova + size - 1) >> 12;
  const unsigned log2_span = unsigned(std::bit_width(start ^ end));  // fls_long
  const uint64_t span_mask = (uint64_t{1} << log2_span) - 1;
  c.addr = (start & ~span_mask) << 12;
  c.size = uint8_t(log2_span);
  return c;
}

int atc_inv_master(hw::Machine& m, unsigned smmu, const std::vector<uint32_t>& sids, uint32_t ssid,
                   CmdqStats* stats) {
  std::vector<hs::Command> cmds;
  for (uint32_t sid : sids) cmds.push_back(atc_inv_to_cmd(sid, ssid, 0, 0));
  return cmdq_issue_cmdlist(m, smmu, cmds, true, stats);
}

}  // namespace atslab::smmuv3
