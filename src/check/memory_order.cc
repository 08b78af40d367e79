#include "check/memory_order.h"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "sim/system.h"

namespace atslab::check {

namespace {

using kernel::EventKind;

// SMMUv3 opcodes as the architecture encodes them: the TLB invalidations and CMD_SYNC.
bool tlbi_or_sync(int64_t op) { return op == 0x10 || op == 0x11 || op == 0x12 || op == 0x28 || op == 0x2a || op == 0x46; }

// What one CPU has done since its last barrier of each kind.
struct Cpu {
  uint64_t iopte_seq = 0;    // an IOPTE write not yet followed by smp_mb (0 = none)
  uint64_t tlbi_seq = 0;     // a TLBI or CMD_SYNC not yet followed by smp_mb
  uint64_t publish_seq = 0;  // an array published and no dma_wmb since
  std::vector<int64_t> counted;  // pci devs this CPU's attach counted in nr_ats_masters
};

// Whether a config write by the kernel to `dev` sets the ATS Enable bit: pci_enable_ats.
bool enables_ats(const System& s, const kernel::Event& e) {
  if (e.dev >= s.kernel.devs.size()) return false;
  const auto fn = s.kernel.devs[e.dev].fn;
  if (fn >= s.hw.pcie.functions().size()) return false;
  const uint16_t cap = hw::pcie::find_ext_cap(s.hw.pcie.fn(fn).cfg, hw::pcie::ext_cap::kAts);
  return cap && e.a == cap + hw::pcie::ats::kCtrl && (e.b & hw::pcie::ats::kCtrlEnable);
}

bool smmuv3_master(const System& s, uint32_t dev) {
  const auto& of = s.kernel.smmuv3.master_of;
  return dev < of.size() && of[dev] != smmuv3::kNone;
}

// CPU 0's state at `first_event`, walking back only as far as its last smp_mb and dma_wmb
// (the monitor calls this after every step: replaying the whole record each time would cost
// time quadratic in the run). Events inside other CPUs' operations are not CPU 0's.
// nullopt when `first_event` lies inside another CPU's operation: replay from the start.
std::optional<Cpu> carried_state(const std::vector<kernel::Event>& events, size_t first_event) {
  Cpu cpu;
  bool mb_found = false, wmb_found = false;
  unsigned depth = 0;  // other CPUs' operations entered, walking back
  for (size_t i = first_event; i-- > 0 && !(mb_found && wmb_found);) {
    const auto& e = events[i];
    if (e.kind == EventKind::InterleaveEnd) {
      ++depth;
    } else if (e.kind == EventKind::InterleaveBegin) {
      if (depth == 0) return std::nullopt;
      --depth;
    } else if (depth == 0) {
      // Walking back, the first write met before the barrier is the last one after it.
      switch (e.kind) {
        case EventKind::SmpMb: mb_found = true; break;
        case EventKind::DmaWmb: wmb_found = true; break;
        case EventKind::IopteWrite:
          if (!mb_found && !cpu.iopte_seq) cpu.iopte_seq = e.seq;
          break;
        case EventKind::SmmuCommand:
          if (!mb_found && !cpu.tlbi_seq && tlbi_or_sync(e.a)) cpu.tlbi_seq = e.seq;
          break;
        case EventKind::InvsPublish:
          if (!wmb_found && !cpu.publish_seq) cpu.publish_seq = e.seq;
          break;
        default: break;
      }
    }
  }
  return cpu;
}

}  // namespace

void memory_order_history(const System& s, size_t first_event, std::vector<Violation>& out) {
  const auto& events = s.record.events;
  first_event = std::min(first_event, events.size());
  // Innermost last: CPU 0's operation, and the one another CPU runs inside it.
  std::vector<Cpu> cpus(1);
  size_t start = 0;
  if (auto carried = carried_state(events, first_event)) {
    cpus[0] = *carried;
    start = first_event;
  }
  for (size_t i = start; i < events.size(); ++i) {
    const auto& e = events[i];
    const bool report = i >= first_event;
    Cpu& cpu = cpus.back();
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
        if (report && cpu.iopte_seq)
          out.push_back({22, fmt::format("smmu domain {}", e.dev),
                         fmt::format("the invalidation array was loaded with no smp_mb after the IOPTE write (seq {})", cpu.iopte_seq),
                         e.seq});
        break;
      case EventKind::NrAtsMastersRead:
        if (report && (cpu.iopte_seq || cpu.tlbi_seq))
          out.push_back({22, fmt::format("smmu domain {}", e.dev),
                         fmt::format("nr_ats_masters was read with no smp_mb after the {} (seq {})",
                                     cpu.tlbi_seq ? "TLBI / CMD_SYNC" : "IOPTE write",
                                     cpu.tlbi_seq ? cpu.tlbi_seq : cpu.iopte_seq),
                         e.seq});
        break;
      case EventKind::AttachPrepareBegin:
        cpu.counted.clear();
        break;
      case EventKind::NrAtsMastersInc:
        cpu.counted.push_back(e.a);
        break;
      case EventKind::ConfigWrite:
        // Pre-invs design: an unmap that read nr_ats_masters as 0 skips the ATC, so the master
        // must be counted before its ATC can be filled, i.e. before pci_enable_ats.
        if (report && s.kernel.smmuv3.inv_design == smmuv3::InvalidationDesign::NrAtsMasters &&
            smmuv3_master(s, e.dev) && enables_ats(s, e) &&
            std::find(cpu.counted.begin(), cpu.counted.end(), int64_t{e.dev}) == cpu.counted.end())
          out.push_back({22, fmt::format("pci dev {}", e.dev),
                         "pci_enable_ats with the master not yet counted in nr_ats_masters", e.seq});
        break;
      case EventKind::SteWrite:
        if (report && cpu.publish_seq)
          out.push_back({22, fmt::format("smmu {} StreamID {:#x}", e.dev, e.a),
                         fmt::format("the STE was written with no dma_wmb after an invalidation array was published (seq {})",
                                     cpu.publish_seq),
                         e.seq});
        break;
      default:
        break;
    }
  }
}

}  // namespace atslab::check
