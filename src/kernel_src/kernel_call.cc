#include "kernel_src/kernel_call.h"

#include <stdexcept>

#include "kernel_src/heap.h"
#include "linux/system.h"

namespace atslab::kernel_src {

namespace {
// One per thread: the explorer and the tests may run Systems on several threads.
thread_local KernelCall* current = nullptr;
}  // namespace

KernelCall::KernelCall(System& s) : mut_(&s), sys_(&s), prev_(current), stack_depth_(s.kernel.ctx.stack.size()) {
  current = this;
}
KernelCall::KernelCall(const System& s) : sys_(&s), prev_(current) { current = this; }
KernelCall::~KernelCall() {
  // Frames the tree's code pushed (call_trace.cc) and could not pop, because an atslab error
  // unwound through it, go with the call.
  if (mut_ && mut_->kernel.ctx.stack.size() > stack_depth_) mut_->kernel.ctx.stack.resize(stack_depth_);
  current = prev_;
  if (!current) end_grace_period();
}

System* KernelCall::current_mutable() { return current ? current->mut_ : nullptr; }

System& KernelCall::system() {
  if (!current) throw std::logic_error("kernel tree code ran outside a KernelCall");
  if (!current->mut_) throw std::logic_error("kernel tree code changed the System during a read-only call");
  return *current->mut_;
}

const System& KernelCall::csystem() {
  if (!current) throw std::logic_error("kernel tree code ran outside a KernelCall");
  return *current->sys_;
}

}  // namespace atslab::kernel_src
