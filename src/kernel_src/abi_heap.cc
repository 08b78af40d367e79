// kmalloc / kfree from the tree's code (linux/slab.h stand-in): the C library's heap.
// An allocation made by a function that has a named allocation fault point asks it
// first, as atslab's own driver does at the same kzalloc: the function is the
// innermost frame (the tree's functions push theirs, smmuv3/call_trace.cc).
#include <cstdlib>
#include <optional>
#include <unordered_set>
#include <vector>

#include "kernel_src/heap.h"
#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/kernel_call.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

namespace {

// The allocating function's fault point. arm_smmu_attach_prepare allocates only its
// arm_smmu_master_domain (6.12 and the 2026 trees alike); in the trees with invalidation
// arrays (7.2) arm_smmu_invs_merge allocates the domain's new array.
std::optional<atslab::faults::Point> fault_point_of(atslab::kernel::KFn fn) {
  using atslab::kernel::KFn;
  if (fn == KFn::arm_smmu_attach_prepare) return atslab::faults::Point::MasterDomainAlloc;
  if (fn == KFn::arm_smmu_invs_merge) return atslab::faults::Point::InvsMergeAlloc;
  return std::nullopt;
}

bool injected() {
  atslab::System* s = atslab::kernel_src::KernelCall::current_mutable();
  if (!s || s->kernel.ctx.stack.empty()) return false;
  const auto point = fault_point_of(s->kernel.ctx.stack.back());
  return point && atslab::faults::inject(*s, *point).has_value();
}

}  // namespace

namespace {
// What the tree's code has allocated and not freed: a run's heap, released whole when the
// source kernel is reset for the next boot (the objects still reachable from the driver's
// state then belong to a machine that no longer exists).
std::unordered_set<void*>& live() {
  // Never destroyed: the last boot's heap stays reachable until the process ends (a static
  // destructor would run before LeakSanitizer looks, and make all of it look lost).
  static auto* set = new std::unordered_set<void*>;
  return *set;
}
}  // namespace

extern "C" void* atslab_kmalloc(unsigned long size, bool zero) {
  if (injected()) return nullptr;  // the caller's own -ENOMEM path
  void* p = zero ? std::calloc(1, size) : std::malloc(size);
  if (p) live().insert(p);
  return p;
}

extern "C" void atslab_kfree(const void* p) {
  if (!p) return;
  live().erase(const_cast<void*>(p));
  std::free(const_cast<void*>(p));
}

namespace {
// kfree_rcu's objects, waiting for the grace period (kernel_call.cc ends it).
std::vector<void*>& after_grace_period() {
  static auto* v = new std::vector<void*>;
  return *v;
}
}  // namespace

extern "C" void atslab_kfree_rcu(const void* p) {
  if (p) after_grace_period().push_back(const_cast<void*>(p));
}

namespace atslab::kernel_src {
void end_grace_period() {
  // Swapped out first: a free never calls back, but the list must not change under the loop.
  std::vector<void*> done;
  done.swap(after_grace_period());
  for (void* p : done) atslab_kfree(p);
}

size_t tree_heap_live() { return live().size(); }

void release_tree_heap() {
  after_grace_period().clear();  // in the heap below
  for (void* p : live()) std::free(p);
  live().clear();
}
}  // namespace atslab::kernel_src
