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

#include "check/invariants.h"

namespace atslab::check {

// Appends a violation of 22 for each such access at or after `first_event`
// (the events before it only establish each context's state).
void memory_order_history(const System& s, size_t first_event, std::vector<Violation>& out);

}  // namespace atslab::check
