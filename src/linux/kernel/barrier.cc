#include "linux/kernel/barrier.h"

#include "linux/system.h"

namespace atslab::kernel {

void smp_mb(System& s) { s.record.event(EventKind::SmpMb, s.kernel.ctx.cpu); }

void dma_wmb(System& s, unsigned smmu) { s.record.event(EventKind::DmaWmb, smmu); }

}  // namespace atslab::kernel
