#pragma once
// Invariant 22, memory ordering, checked as the order of events in the kernel
// record (the model is sequentially consistent, so a missing barrier cannot
// show up as a stale read; it shows up as accesses with no barrier between them).
// Each CPU's operation is a context: an operation another CPU runs at an
// interleaving point (InterleaveBegin .. InterleaveEnd) has its own.
//  - invalidator: an IOPTE write, then smp_mb, then the load of domain->invs;
//    pre-invs design: the IOPTE write and TLBI + CMD_SYNC, then smp_mb, then
//    the read of nr_ats_masters;
//  - attacher: publishing an array, then dma_wmb, then any STE write.
#include <cstddef>
#include <vector>

#include "check/history_cursor.h"
#include "check/invariants.h"

namespace atslab::check {

// Advances the CPUs' barrier states (innermost last) over one event; with `out`, appends a
// violation of 22 if the event is an access its CPU's state forbids.
void memory_order_event(const System& s, const kernel::Event& e, std::vector<BarrierState>& cpus, std::vector<Violation>* out);
// Checks the record's events from `first_event` on, starting from `cpus` (the state at
// `first_event`, see HistoryCursor) and leaving it at the end of the record.
void memory_order_window(const System& s, std::vector<BarrierState>& cpus, size_t first_event, std::vector<Violation>& out);

}  // namespace atslab::check
