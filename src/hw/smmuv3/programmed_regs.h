#pragma once
// SMMUv3 registers a driver programs through MMIO (hw/smmuv3/mmio.h) beyond
// those Smmu models as behaviour: kept so that a read returns what was written,
// which is what a driver checks (GBPA, IRQ_CTRL, the queue pointers).
// CMDQ_BASE is the one with a behaviour: once a driver programs it, the SMMU
// consumes commands from that ring in hw::memory (hw/smmuv3/cmdq.cc), as the
// silicon does; atslab's hand-written driver leaves it 0 and writes the
// Smmu's built-in ring (command_ring.h, a simplification for its speed).
#include <cstdint>
#include <map>

namespace atslab::hw::smmuv3 {

struct ProgrammedRegs {
  uint64_t cmdq_base = 0;  // RWA | ADDR[51:5] | LOG2SIZE[4:0]
  uint64_t evtq_base = 0;
  uint32_t evtq_prod = 0, evtq_cons = 0;  // the SMMU writes no event to memory yet: the queue stays empty
  uint32_t cr1 = 0, cr2 = 0, gbpa = 0, irq_ctrl = 0;
  std::map<uint32_t, uint64_t> other;  // by offset: IRQ_CFG*, PRIQ_*, ... (no behaviour)
  bool operator==(const ProgrammedRegs&) const = default;
};

}  // namespace atslab::hw::smmuv3
