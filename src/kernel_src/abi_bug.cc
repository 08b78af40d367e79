// WARN_ON from the tree's code (linux/bug.h stand-in): kernel::warn_on with the
// tree's own file and line, the call trace from kernel::Frame.
#include <optional>
#include <string_view>

#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/kernel_call.h"
#include "linux/kernel/kfunc.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace {

std::optional<atslab::kernel::KFn> kfn_named(std::string_view name) {
  using atslab::kernel::KFn;
  for (uint16_t i = 0; i < static_cast<uint16_t>(KFn::kCount); ++i)
    if (atslab::kernel::name(static_cast<KFn>(i)) == name) return static_cast<KFn>(i);
  return std::nullopt;
}

}  // namespace

extern "C" void atslab_warn(const char* file, int line, const char* func, const char* cond) {
  atslab::System& s = atslab::kernel_src::KernelCall::system();
  // The glue opened the frame of the tree function it called. A WARN deeper down, in a function
  // that one called, gets that function's frame on top, as the kernel's trace shows it; a
  // function the model has no name for (kfunc.def) is reported at its caller's frame.
  std::optional<atslab::kernel::Frame> inner;
  const auto fn = kfn_named(func);
  const auto& stack = s.kernel.ctx.stack;
  if (fn && (stack.empty() || stack.back() != *fn)) inner.emplace(s, *fn);
  atslab::kernel::warn_on(s, true, cond, line, file);
}
