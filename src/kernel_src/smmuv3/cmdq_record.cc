#include "kernel_src/smmuv3/cmdq_record.h"

#include <algorithm>

#include "hw/pcie/capabilities.h"
#include "hw/smmuv3/cmdq.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

namespace atslab::kernel_src {

namespace hs = hw::smmuv3;

void record_cmdq_prod(System& s, unsigned smmu, uint32_t new_prod) {
  const hs::Smmu& h = s.hw.smmus.at(smmu);
  // An ATC_INV the domain's tracking sent (6.12: arm_smmu_atc_inv_domain walking the masters it
  // counts in nr_ats_masters; 7.2: arm_smmu_domain_inv_range walking the invalidation array), as
  // atslab's driver marks the ones from its arrays or that same walk; not the per-master flush an
  // attach sends before enabling ATS.
  const auto& stack = s.kernel.ctx.stack;
  const bool from_tracking = std::any_of(stack.begin(), stack.end(), [](kernel::KFn f) {
    return f == kernel::KFn::arm_smmu_atc_inv_domain || f == kernel::KFn::arm_smmu_domain_inv_range;
  });
  // PROD carries a wrap bit above the index: one past the ring's last index wraps to 0 with it toggled.
  const uint32_t mask = (h.cmdq_entries() << 1) - 1;
  for (uint32_t p = h.cmdq_prod; (p & mask) != (new_prod & mask); p = (p + 1) & mask) {
    const auto c = hs::decode(hs::cmdq_entry(s.hw.memory, h, p));
    if (!c) continue;  // the SMMU raises CERROR_ILL when it gets there
    const int64_t arg = c->op == hs::Op::TLBI_NH_ASID || c->op == hs::Op::TLBI_NH_VA        ? c->asid
                        : c->op == hs::Op::TLBI_S12_VMALL || c->op == hs::Op::TLBI_S2_IPA ? c->vmid
                                                                                          : c->sid;
    s.record.event(kernel::EventKind::SmmuCommand, smmu, static_cast<int64_t>(c->op), c->op == hs::Op::CMD_SYNC ? 0 : arg);
    if (c->op != hs::Op::ATC_INV) continue;
    s.record.event(kernel::EventKind::AtcInvRange, smmu, hs::atc_inv_range_a(*c), hs::atc_inv_range_b(*c));
    const hw::pcie::FnId ep = hs::function_of_sid(s.hw, smmu, c->sid);
    if (ep == hw::pcie::kNoFn || hw::pcie::ats_control(s.hw.pcie.fn(ep).cfg).enabled) continue;
    s.record.event(kernel::EventKind::AtcInvToAtsDisabled, ep, c->sid, from_tracking);
    // The same named endpoint non-compliance as under atslab's driver (hw_access.cc).
    if (faults::inject(s, faults::Point::EndpointIgnoresAtcInv))
      s.hw.pcie.fn(ep).atc.inv_while_disabled = hw::pcie::AtcInvWhileDisabled::Ignore;
  }
}

}  // namespace atslab::kernel_src
