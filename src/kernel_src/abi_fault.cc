// Fault points the tree's code reaches (atslab/kernel_abi.h atslab_fault_inject): the
// same faults::inject the model's kernel code asks, by the point's plan name.
#include <stdexcept>
#include <string>

#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/kernel_call.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

extern "C" int atslab_fault_inject(const char* point) {
  const auto p = atslab::faults::parse_point(point);
  if (!p) throw std::logic_error(std::string("no fault point named ") + point);
  const auto err = atslab::faults::inject(atslab::kernel_src::KernelCall::system(), *p);
  return err ? *err : 0;
}
