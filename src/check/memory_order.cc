#include "check/memory_order.h"

#include <fmt/format.h>

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
};

}  // namespace

void memory_order_history(const System& s, size_t first_event, std::vector<Violation>& out) {
  // Innermost last: CPU 0's operation, and the one another CPU runs inside it.
  std::vector<Cpu> cpus(1);
  const auto& events = s.record.events;
  for (size_t i = 0; i < events.size(); ++i) {
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
