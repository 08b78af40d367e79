#pragma once
// What one transition of the explorer touched, read off its run (issue 19, partial-order
// reduction). Two transitions commute when neither writes what the other reads or writes: run
// in either order from the same state they reach the same state, and each does in the second
// position what it did in the first (same events, same WARNs).
//
// Writes are exact at the granularity of the state's objects: the parent and the child are
// compared table by table (pci_devs, iommu groups and domains, SMMU masters and domains, VFIO
// containers and groups, PCIe functions), and a changed entry names its object. A change to
// anything not owned by one object (memory, the IOMMUs' hardware, allocators, the fault
// injector, a table growing, the runner's counters) is a global write, which every transition
// is assumed to read: it makes the transition dependent on every other. Allocators (each table's
// next entry, the invalidation-array and page-table pools, memory pages changing hands) are
// objects every transition is taken to read, for the same reason: an allocation that failed or
// was undone leaves no trace, yet what it found decided what the operation did.
//
// Reads cannot be observed (the model reads its tables directly), so they are over-approximated
// from the state's object graph: everything reachable from what the operation names (its
// devices, their PF's VFs, its containers) and from what it wrote, along the links the state
// holds (a device's function, PF, upstream bridges, group and VFIO group; a group's devices,
// domains and VFIO groups; a paging domain's groups and containers; a container's groups and
// domains), in the state before and in the state after. Conservative by construction: an
// object missing from a read set is one no link from the operation's objects leads to.
#include <cstdint>
#include <vector>

#include "sim/ops.h"

namespace atslab::sim {

struct Footprint {
  bool global = false;          // wrote something no single object owns
  std::vector<uint32_t> writes;  // object keys, sorted
  std::vector<uint32_t> reads;   // object keys, sorted; includes the writes
};

// The footprint of `op`, run from (before, ctx_before) to (after, ctx_after).
Footprint footprint(const System& before, const OpContext& ctx_before, const System& after, const OpContext& ctx_after,
                    const Op& op);

// Whether the two transitions commute: neither wrote globally, and neither wrote an object the
// other read or wrote.
bool independent(const Footprint& a, const Footprint& b);

}  // namespace atslab::sim
