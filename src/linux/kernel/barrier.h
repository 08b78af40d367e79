#pragma once
// Memory barriers. The model is sequentially consistent, so a barrier orders
// nothing by itself; it is recorded so that the checker can verify, from the
// order of events, that the driver executes each barrier between the accesses
// the kernel's pairing needs it between (invariant 22).
namespace atslab {
struct System;
}

namespace atslab::kernel {

// smp_mb(): full barrier between this CPU's earlier and later accesses.
void smp_mb(System& s);
// dma_wmb(): this CPU's earlier writes to coherent memory reach the device
// before its later ones; `smmu` is the device whose tables are about to change.
void dma_wmb(System& s, unsigned smmu);

}  // namespace atslab::kernel
