#include "check/memory_order.h"

#include <algorithm>
#include <fmt/format.h>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "linux/system.h"

namespace atslab::check {

namespace {

using kernel::EventKind;

// SMMUv3 opcodes as the architecture encodes them: the TLB invalidations and CMD_SYNC.
bool tlbi_or_sync(int64_t op) { return op == 0x10 || op == 0x11 || op == 0x12 || op == 0x28 || op == 0x2a || op == 0x46; }

// Whether a config write by the kernel to `dev` sets the ATS Enable bit: pci_enable_ats.
bool enables_ats(const System& s, const kernel::Event& e) {
  if (e.dev >= s.kernel.devs.size()) return false;
  const auto fn = s.kernel.devs[e.dev].fn;
  if (fn >= s.hw.pcie.functions().size()) return false;
  const uint16_t cap = s.hw.pcie.fn(fn).cfg.ats_cap_offset();
  return cap && e.a == cap + hw::pcie::ats::kCtrl && (e.b & hw::pcie::ats::kCtrlEnable);
}

bool smmuv3_master(const System& s, uint32_t dev) {
  const auto& of = s.kernel.smmuv3.master_of;
  return dev < of.size() && of[dev] != smmuv3::kNone;
}

}  // namespace

void memory_order_event(const System& s, const kernel::Event& e, std::vector<BarrierState>& cpus,
                        std::vector<Violation>* out) {
  BarrierState& cpu = cpus.back();
  switch (e.kind) {
    case EventKind::InterleaveBegin:
      cpus.emplace_back();
      break;
    case EventKind::InterleaveEnd:
      if (cpus.size() > 1) cpus.pop_back();
      break;
    case EventKind::IopteWrite:
      cpu.iopte_seq = e.seq;
      break;
    case EventKind::SmmuCommand:
      if (tlbi_or_sync(e.a)) cpu.tlbi_seq = e.seq;
      break;
    case EventKind::SmpMb:
      cpu.iopte_seq = cpu.tlbi_seq = 0;
      break;
    case EventKind::InvsPublish:
      cpu.publish_seq = e.seq;
      break;
    case EventKind::DmaWmb:
      cpu.publish_seq = 0;
      break;
    case EventKind::InvsLoad:
      if (out && cpu.iopte_seq)
        out->push_back({22, fmt::format("smmu domain {}", e.dev),
                        fmt::format("the invalidation array was loaded with no smp_mb after the IOPTE write (seq {})", cpu.iopte_seq),
                        e.seq});
      break;
    case EventKind::NrAtsMastersRead:
      if (out && (cpu.iopte_seq || cpu.tlbi_seq))
        out->push_back({22, fmt::format("smmu domain {}", e.dev),
                        fmt::format("nr_ats_masters was read with no smp_mb after the {} (seq {})",
                                    cpu.tlbi_seq ? "TLBI / CMD_SYNC" : "IOPTE write", cpu.tlbi_seq ? cpu.tlbi_seq : cpu.iopte_seq),
                        e.seq});
      break;
    case EventKind::AttachPrepareBegin:
      cpu.counted.clear();
      cpu.in_attach = true;
      break;
    case EventKind::AttachPrepareEnd:
      if (e.a != 0) cpu.in_attach = false;  // a failed prepare: no commit follows
      break;
    case EventKind::AttachCommitEnd:
      cpu.in_attach = false;
      break;
    case EventKind::NrAtsMastersInc:
      cpu.counted.push_back(e.a);
      break;
    case EventKind::ConfigWrite:
      // Pre-invs design: an unmap that read nr_ats_masters as 0 skips the ATC, so the master
      // must be counted before its ATC can be filled, i.e. before pci_enable_ats.
      if (out && cpu.in_attach && s.kernel.smmuv3.inv_design == smmuv3::InvalidationDesign::NrAtsMasters &&
          smmuv3_master(s, e.dev) && enables_ats(s, e) && std::find(cpu.counted.begin(), cpu.counted.end(), int64_t{e.dev}) == cpu.counted.end())
        out->push_back({22, fmt::format("pci dev {}", e.dev), "pci_enable_ats with the master not yet counted in nr_ats_masters", e.seq});
      break;
    case EventKind::SteWrite:
      if (out && cpu.publish_seq)
        out->push_back({22, fmt::format("smmu {} StreamID {:#x}", e.dev, e.a),
                        fmt::format("the STE was written with no dma_wmb after an invalidation array was published (seq {})",
                                    cpu.publish_seq),
                        e.seq});
      break;
    default:
      break;
  }
}

void memory_order_window(const System& s, std::vector<BarrierState>& cpus, size_t first_event, std::vector<Violation>& out) {
  // A window that starts between operations starts CPU 0's attach bookkeeping afresh: a device
  // counted by an earlier operation's attach does not excuse this one's pci_enable_ats.
  if (cpus.size() == 1) cpus[0].counted.clear();
  const auto& events = s.record.events;
  for (size_t i = first_event; i < events.size(); ++i) memory_order_event(s, events[i], cpus, &out);
}

}  // namespace atslab::check
