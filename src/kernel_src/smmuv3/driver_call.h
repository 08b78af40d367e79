#pragma once
// One call into the tree's SMMUv3 driver, under the frame of the IOMMU core (or iommufd) function
// that makes it (the driver's own frames come from call_trace.cc): the struct pci_devs in step
// with the System before and after, DMA memory mirrored. When atslab's kernel is the caller, its
// own frames are there already (a test calling the glue directly has none): the op's is pushed
// only for a test.
#include <optional>

#include "kernel_src/kernel_call.h"
#include "kernel_src/smmuv3/pci_devs.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/kernel/kfunc.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace atslab::kernel_src {

template <typename Fn>
auto smmuv3_call(System& s, kernel::KFn op, Fn&& fn) {
  KernelCall k(s);
  std::optional<kernel::Frame> f;
  if (s.kernel.ctx.stack.empty()) f.emplace(s, op);
  load_pci_devs(s);
  struct Done {
    System& s;
    ~Done() {
      store_pci_devs(s);
      SourceKernel::get().sync_to_hw(s);
    }
  } done{s};
  return fn();
}

}  // namespace atslab::kernel_src
