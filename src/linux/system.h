#pragma once
// The whole simulated machine as one value (design principle 3): hardware,
// kernel state and the record of what happened. It is the world the kernel
// acts on, so it sits with the kernel (src/linux), not with the runners. Copy it to snapshot, compare
// or hash it to deduplicate. There are no pointers between objects: every
// reference is an index (FnId, DevId, ...).
#include <cstdint>

#include "hw/machine.h"
#include "linux/kernel/record.h"
#include "linux/kernel_state.h"
#include "linux/kernel/fault_inject.h"

namespace atslab {

struct System {
  hw::Machine hw;
  Kernel kernel;
  faults::Injector faults;  // the environment's fault plan, counters and RNG: state, since it decides the future
  kernel::Record record;    // history: excluded from equality and hashing

  // Two systems are the same state when hardware, kernel and environment agree; history is not state.
  bool operator==(const System& o) const { return hw == o.hw && kernel == o.kernel && faults == o.faults; }
};

}  // namespace atslab
