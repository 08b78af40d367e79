#include "linux/kernel/locks.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "linux/system.h"

namespace atslab::kernel {

namespace {
constexpr std::array<std::string_view, static_cast<size_t>(LockClass::kCount)> kNames = {
    "iommu_probe_device_lock", "iommu_group->mutex",       "arm_smmu_asid_lock",
    "vfio.group_lock",         "vfio_group->group_lock",   "vfio_container->group_lock",
    "vfio_iommu->lock",        "device_lock",              "pci_rescan_remove_lock",
    "driver_in_use",           "vfio_device_set->lock",    "iommufd_group->lock",
    "io_pagetable->domains_rwsem", "iommu_sva_lock",
    "vfio_pci_core_device->memory_lock"};

bool global(LockClass c) {
  return c == LockClass::iommu_probe_device_lock || c == LockClass::arm_smmu_asid_lock || c == LockClass::vfio_group_lock ||
         c == LockClass::pci_rescan_remove_lock || c == LockClass::iommu_sva_lock;
}

thread_local LockTrace* tracer = nullptr;
}  // namespace

std::string_view name(LockClass c) { return kNames.at(static_cast<size_t>(c)); }

std::string describe(const HeldLock& l) {
  std::string_view n = name(l.cls);
  std::string s;
  if (global(l.cls)) {
    s = std::string(n);
  } else {
    // "iommu_group->mutex" of group 3 reads as "iommu_group 3 ->mutex".
    auto arrow = n.find("->");
    s = arrow == std::string_view::npos ? fmt::format("{} {}", n, l.instance)
                                        : fmt::format("{} {} {}", n.substr(0, arrow), l.instance, n.substr(arrow));
  }
  if (l.mode == LockMode::Shared) s += " (read)";
  return s;
}

bool conflicts(const HeldLock& a, const HeldLock& b) {
  if (a.cls != b.cls || a.instance != b.instance) return false;
  return !(a.mode == LockMode::Shared && b.mode == LockMode::Shared);
}

LockGuard::LockGuard(System& s, LockClass cls, uint32_t instance, LockMode mode)
    : s_(s), lock_{cls, global(cls) ? 0 : instance, mode} {
  for (const Context& other : s.kernel.preempted)
    for (const HeldLock& h : other.held)
      if (conflicts(h, lock_))
        throw WouldBlock(lock_, fmt::format("it needs {}, which CPU {} holds there", describe(lock_), other.cpu));
  // Taking a lock this CPU already holds is a self-deadlock: a bug in the model's kernel code.
  for (const HeldLock& h : s.kernel.ctx.held)
    if (h.cls == lock_.cls && h.instance == lock_.instance)
      throw std::logic_error(fmt::format("recursive locking: {} taken twice on CPU {}", describe(lock_), s.kernel.ctx.cpu));
  s.kernel.ctx.held.push_back(lock_);
  if (tracer && std::find(tracer->taken_.begin(), tracer->taken_.end(), lock_) == tracer->taken_.end())
    tracer->taken_.push_back(lock_);
}

LockGuard::~LockGuard() {
  auto& held = s_.kernel.ctx.held;
  // Released in any order (a lock may be dropped before one taken after it), as the kernel can.
  for (auto it = held.end(); it != held.begin();)
    if (*--it == lock_) {
      held.erase(it);
      return;
    }
}

const std::vector<HeldLock>& held_locks(const System& s) { return s.kernel.ctx.held; }

LockTrace::LockTrace() : previous_(tracer) { tracer = this; }
LockTrace::~LockTrace() { tracer = previous_; }

}  // namespace atslab::kernel
