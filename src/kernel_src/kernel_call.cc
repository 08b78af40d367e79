#include "kernel_src/kernel_call.h"

#include <stdexcept>

namespace atslab::kernel_src {

namespace {
// One per thread: the explorer and the tests may run Systems on several threads.
thread_local KernelCall* current = nullptr;
}  // namespace

KernelCall::KernelCall(System& s) : mut_(&s), sys_(&s), prev_(current) { current = this; }
KernelCall::KernelCall(const System& s) : sys_(&s), prev_(current) { current = this; }
KernelCall::~KernelCall() { current = prev_; }

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
