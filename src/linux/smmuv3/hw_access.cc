#include "linux/smmuv3/hw_access.h"

#include <bit>
#include <fmt/format.h>

#include "hw/pcie/capability_walk.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "sim/faults.h"
#include "sim/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;

Cmd atc_inv_cmd(uint32_t sid, uint32_t ssid, uint64_t iova, uint64_t size) {
  Cmd c;
  c.op = Op::AtcInv;
  c.sid = sid;
  c.ssid = ssid;
  c.ssv = ssid != 0;
  if (size == 0) {
    c.size = kAtcInvSizeAll;
    return c;
  }
  uint64_t start = iova >> 12, end = (iova + size - 1) >> 12;
  unsigned span = static_cast<unsigned>(std::bit_width(start ^ end));
  c.size = static_cast<uint8_t>(span);
  c.addr = (start >> span << span) << 12;
  return c;
}

namespace {
// The endpoint a StreamID reaches: StreamID = PCI routing ID behind this model's IORT.
hw::pcie::FnId endpoint_of(const System& s, uint16_t smmu, uint32_t sid) {
  for (hw::pcie::FnId f = 0; f < s.hw.pcie.functions().size(); ++f) {
    const auto& fn = s.hw.pcie.fn(f);
    const auto& rc = s.hw.pcie.rc(fn.rc);
    if (fn.present && rc.iommu == hw::pcie::IommuKind::Smmuv3 && rc.iommu_index == smmu && fn.bdf.rid() == sid) return f;
  }
  return hw::pcie::kNoFn;
}

bool endpoint_ats_enabled(const System& s, hw::pcie::FnId f) {
  const auto& cfg = s.hw.pcie.fn(f).cfg;
  uint16_t pos = hw::pcie::find_ext_cap(cfg, hw::pcie::ext_cap::kAts);
  return pos && (cfg.read16(pos + hw::pcie::ats::kCtrl) & hw::pcie::ats::kCtrlEnable);
}
}  // namespace

int cmdq_issue(System& s, uint16_t smmu, const std::vector<Cmd>& cmds, bool sync) {
  Frame f(s, KFn::arm_smmu_cmdq_issue_cmdlist);
  bool outstanding = false;  // an ATC invalidation no endpoint will ever complete
  auto issue = [&](const Cmd& c) {
    int64_t arg = c.op == Op::TlbiNhAsid || c.op == Op::TlbiNhVa ? c.asid
                  : c.op == Op::TlbiS12Vmall || c.op == Op::TlbiS2Ipa ? c.vmid
                                                                       : c.sid;
    s.record.event(kernel::EventKind::SmmuCommand, smmu, static_cast<int64_t>(c.op), arg);
    if (c.op == Op::AtcInv) {
      hw::pcie::FnId ep = endpoint_of(s, smmu, c.sid);
      // An endpoint with ATS disabled "is permitted to ignore" invalidation requests (invariant 23).
      if (ep != hw::pcie::kNoFn && !endpoint_ats_enabled(s, ep)) {
        s.record.event(kernel::EventKind::AtcInvToAtsDisabled, ep, c.sid, c.from_array);
        if (s.hw.smmu_interim.at(smmu).endpoints_ignore_inv_when_disabled || faults::inject(s, faults::Point::EndpointIgnoresAtcInv))
          outstanding = true;
      }
    }
    if (c.op == Op::CmdSync && outstanding) {
      s.record.event(kernel::EventKind::CmdSyncTimeout, smmu);
      outstanding = false;
      return false;
    }
    return true;
  };
  bool ok = true;
  for (const Cmd& c : cmds) ok &= issue(c);
  if (sync) ok &= issue(Cmd{Op::CmdSync});
  if (!ok) {
    s.record.log.push_back({s.record.next(), kernel::Level::Err,
                            fmt::format("arm-smmu-v3 arm-smmu-v3.{}.auto: CMD_SYNC timeout (CERROR 0x3: ATC invalidate timeout)", smmu)});
    return -ETIMEDOUT;
  }
  return 0;
}

void install_ste_for_dev(System& s, MasterId m, const Ste& target) {
  Frame f(s, KFn::arm_smmu_install_ste_for_dev);
  Master& master = s.kernel.smmuv3.masters.at(m);
  master.cd_table_in_ste = ste::cfg(target) == ste::kCfgS1Trans;
  master.ste_ats_enabled = ste::eats(target) == ste::kEatsTrans;
  uint16_t smmu = master.smmu;
  std::vector<uint32_t> streams = master.streams;
  for (uint32_t sid : streams) {
    if (ste_of(s, smmu, sid) == target) continue;
    s.hw.smmu_interim.at(smmu).ste[sid] = target;
    s.record.event(kernel::EventKind::SteWrite, smmu, sid, static_cast<int64_t>(target[1]));
    cmdq_issue(s, smmu, {Cmd{.op = Op::CfgiSte, .sid = sid}}, true);
    cmdq_issue(s, smmu, {Cmd{.op = Op::PrefetchCfg, .sid = sid}}, false);
  }
}

Ste ste_of(const System& s, uint16_t smmu, uint32_t sid) {
  const auto& t = s.hw.smmu_interim.at(smmu).ste;
  auto it = t.find(sid);
  return it == t.end() ? Ste{} : it->second;
}

}  // namespace atslab::smmuv3
