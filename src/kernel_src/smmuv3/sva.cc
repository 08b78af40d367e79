#include "kernel_src/smmuv3/sva.h"

#include <stdexcept>

#include "kernel_src/kernel_call.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/smmuv3/iommu_ops.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/mm/mm.h"
#include "linux/system.h"

extern "C" {
// shim/smmuv3/mm.c
mm_struct* atslab_mm_struct_new(unsigned int mm);
void atslab_mm_struct_set_pgd(mm_struct* mm, uint64_t pgd_cookie);
}

namespace atslab::kernel_src::smmuv3 {

mm_struct* mm_struct_of(System& s, uint32_t mm) {
  auto& k = SourceKernel::get();
  mm_struct*& p = k.mm_structs[mm];
  if (!p) p = atslab_mm_struct_new(mm);
  if (!p) throw std::bad_alloc();
  // A slot of the model's mm table is reused once its mm_struct is gone (__mmdrop): the pgd is
  // the one of the mm that holds the slot now.
  atslab_mm_struct_set_pgd(p, kPgdCookieBase + s.kernel.mm.mms.at(mm).pgd.root);
  return p;
}

namespace {
mmu_notifier* subscription(uint32_t sub) {
  const auto& v = SourceKernel::get().notifiers;
  if (sub >= v.size() || !v[sub]) throw std::logic_error("source SMMUv3: an mm notifier the tree's driver does not hold");
  return v[sub];
}
}  // namespace

void mm_arch_invalidate_secondary_tlbs(System& s, uint32_t sub, uint64_t start, uint64_t end) {
  smmuv3_mm_invalidate(s, subscription(sub), start, end);
}

void mm_release(System& s, uint32_t sub) { smmuv3_mm_release(s, subscription(sub)); }

}  // namespace atslab::kernel_src::smmuv3

// The mm side the shim (shim/smmuv3/mm.c) reaches, on the System of the call in progress.
using atslab::kernel_src::KernelCall;
using atslab::kernel_src::SourceKernel;

// mmu_notifier_register: the newest subscription first, as the kernel's list is walked.
extern "C" int atslab_mm_notifier_subscribe(mmu_notifier* sub, unsigned int mm) {
  auto& v = SourceKernel::get().notifiers;
  v.push_back(sub);
  auto& subs = KernelCall::system().kernel.mm.mms.at(mm).notifiers;
  subs.insert(subs.begin(), static_cast<uint32_t>(v.size() - 1));
  return 0;
}

extern "C" void atslab_mm_notifier_unsubscribe(mmu_notifier* sub, unsigned int mm) {
  auto& v = SourceKernel::get().notifiers;
  for (uint32_t i = 0; i < v.size(); ++i)
    if (v[i] == sub) {
      std::erase(KernelCall::system().kernel.mm.mms.at(mm).notifiers, i);
      v[i] = nullptr;
    }
}

extern "C" bool atslab_mm_get_not_zero(unsigned int mm) { return atslab::mm::mmget_not_zero(KernelCall::system(), mm); }
extern "C" void atslab_mm_put(unsigned int mm) { atslab::mm::mmput(KernelCall::system(), mm); }
