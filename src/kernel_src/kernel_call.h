#pragma once
// The System a call into the kernel tree's code acts on. The tree's C code
// reaches atslab only through the atslab_* functions of atslab/kernel_abi.h,
// and those find the System here. Calls nest (the tree's code may call back
// into atslab's kernel, which may call the tree again): each restores the
// enclosing one when it ends.
#include <cstddef>

namespace atslab {
struct System;
}

namespace atslab::kernel_src {

class KernelCall {
 public:
  explicit KernelCall(System& s);
  // A read-only call (a verdict for a check): a callback that would change the System throws.
  explicit KernelCall(const System& s);
  ~KernelCall();
  KernelCall(const KernelCall&) = delete;
  KernelCall& operator=(const KernelCall&) = delete;

  // The innermost call's System. Both throw std::logic_error outside any call,
  // system() also inside a read-only one.
  static System& system();
  static const System& csystem();
  // The innermost call's System when it may be changed, else nullptr (never throws).
  static System* current_mutable();

 private:
  System* mut_ = nullptr;
  const System* sys_ = nullptr;
  KernelCall* prev_ = nullptr;
  size_t stack_depth_ = 0;  // the call-trace depth at entry, restored on exit
};

}  // namespace atslab::kernel_src
