#pragma once
// The executing kernel context: which simulated CPU and task run, and the
// modelled call stack (so a WARN can print the trace the real kernel would).
#include <cstdint>
#include <string>
#include <vector>

#include "linux/kernel/kfunc.h"
#include "linux/kernel/locks.h"

namespace atslab::kernel {

struct Context {
  uint16_t cpu = 0;
  std::string comm = "swapper/0";
  std::vector<KFn> stack;  // outermost first; empty when no kernel code runs
  std::vector<HeldLock> held;  // locks this CPU holds, outermost first; empty between operations
  bool operator==(const Context&) const = default;
};

}  // namespace atslab::kernel
