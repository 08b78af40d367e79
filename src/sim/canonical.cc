#include "sim/canonical.h"

#include <algorithm>

#include "linux/system.h"

namespace atslab::sim {

void canonicalize(System& s) {
  // Fault counters decide only count-based rules (nth); the RNG only probability rules.
  bool by_count = false, by_chance = false;
  for (const auto& r : s.faults.rules) {
    by_count |= r.nth != 0;
    by_chance |= r.per_million != 0;
  }
  if (!by_count) {
    s.faults.calls = {};
    s.faults.fired = {};
  }
  if (!by_chance) s.faults.rng = 0;
  s.faults.step.clear();

  bool atc_idle = true;
  for (const auto& f : s.hw.pcie.functions()) atc_idle &= f.atc.inv_queue.empty() && f.atc.completions.empty();
  for (hw::pcie::FnId f = 0; f < s.hw.pcie.functions().size(); ++f) s.hw.pcie.fn(f).atc.invalidations_ignored = 0;  // a statistic
  for (auto& m : s.hw.smmus) {
    // Statistics nothing reads back to decide anything.
    m.syncs_completed = 0;
    m.atc_inv_timeouts = 0;
    // An empty command queue: where its pointers stand and what consumed entries the ring
    // still holds is invisible to software and hardware alike (the driver writes before it
    // reads, the SMMU reads only between CONS and PROD). Rebase it to the start.
    if (m.cmdq_prod == m.cmdq_cons && m.atc_inv_outstanding.empty()) {
      m.cmdq.clear();
      m.cmdq_prod = m.cmdq_cons = 0;
    }
    // ITAGs only tell apart invalidations in flight; with none anywhere, numbering restarts.
    if (m.atc_inv_outstanding.empty() && atc_idle) m.next_itag = 0;
    // The event queue is written by translation faults and read by nothing: the model's SMMUv3
    // driver (like the kernel's without its evtq IRQ thread) never consumes it, the queue is
    // unbounded (no overflow to observe), EVTQ_PROD/CONS are ProgrammedRegs with no behaviour, and
    // no check reads it (a faulting DMA is judged from the record's DeviceDma event). Left in, a
    // device's DMA to an unmapped IOVA made a new state every time it ran, and no path closed.
    m.evtq.clear();
  }
}

}  // namespace atslab::sim
