#pragma once
// What the history checks know of the events they have already read: the
// context the next window of events is checked in.
//
// check_history looks at a window of new events, but some verdicts depend on
// what came before it: the last STE.EATS written per StreamID and the ATS
// Enable last written per device (12, 21, 23), what pci_ats_supported() said
// at probe (6), and each CPU's barrier state (22). Rescanning the record for
// them made every check cost time linear in the history, and kept every
// explorer node copying its whole record. A cursor carries them forward
// instead: copy it with the state, and the events it has read may be dropped.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "check/small_map.h"
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}
namespace atslab::kernel {
struct Event;
}

namespace atslab::check {

// One CPU's accesses since its last barrier of each kind (invariant 22).
struct BarrierState {
  uint64_t iopte_seq = 0;    // an IOPTE write not yet followed by smp_mb (0 = none)
  uint64_t tlbi_seq = 0;     // a TLBI or CMD_SYNC not yet followed by smp_mb
  uint64_t publish_seq = 0;  // an array published and no dma_wmb since
  std::vector<int64_t> counted;  // pci devs this CPU's attach counted in nr_ats_masters
  // Inside an SMMUv3 attach (prepare begun, commit not returned): its ATS Enable write is the
  // attach's pci_enable_ats. One outside (pci_restore_ats_state after a reset) re-enables an ATS
  // whose master was counted when that attach enabled it, and is not this rule's business.
  bool in_attach = false;
};

struct HistoryCursor {
  size_t events = 0;  // record events read so far: the next window starts here
  SmallMap<pci::DevId, bool> ats_on;          // ATS Enable as last written, per device
  SmallMap<uint32_t, unsigned> eats_of;       // STE.EATS as last written, per SMMU and StreamID (smmu << 24 | sid)
  SmallMap<pci::DevId, int64_t> probe_supported;  // pci_ats_supported() at the last probe
  // Per CPU, innermost last: CPU 0's operation and any other CPU's running inside it.
  std::vector<BarrierState> cpus{1};

  // Reads events [events, upto) into the context without checking them.
  void read(const System& s, size_t upto);
  // Takes one event into the STE, ATS and probe context (not the barrier states).
  void note(const System& s, const kernel::Event& e);
  // The caller dropped the record's events (all of them read): the next window starts at 0.
  void events_dropped() { events = 0; }
};

}  // namespace atslab::check
