#pragma once
// The kernel's sleeping locks on the ATS paths, as lockdep sees them: a class
// and an instance. Kernel code takes them where the kernel does (LockGuard), so
// the locks a CPU holds at an interleaving point are the real ones, and another
// CPU's operation may run there only if it takes none of them (spec section 6,
// docs/fidelity.md). An operation that would have to wait for a lock the
// preempted CPU holds cannot run whole at that point: acquiring it throws
// WouldBlock, and whoever scheduled the nesting drops it.
//
// Locks are environment, not state: between operations no lock is held, so the
// System value never carries one.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace atslab {
struct System;
}

namespace atslab::kernel {

enum class LockClass : uint8_t {
  iommu_probe_device_lock,  // drivers/iommu/iommu.c, global: __iommu_probe_device from the bus notifier
  iommu_group_mutex,        // iommu_group->mutex: every attach, DMA ownership, default domain, probe/release
  arm_smmu_asid_lock,       // global: prepare -> STE -> commit, ASID alloc/free
  vfio_group_lock,          // vfio.group_lock, global: vfio_group creation and removal
  vfio_group_group_lock,    // vfio_group->group_lock: SET/UNSET_CONTAINER, device removal
  vfio_container_group_lock,  // vfio_container->group_lock (rwsem): group attach/detach, SET_IOMMU
  vfio_iommu_lock,          // type1's vfio_iommu->lock: attach/detach_group, MAP_DMA, UNMAP_DMA
  device_lock,              // struct device's mutex: bind, unbind, sriov_numvfs_store (on the PF)
  pci_rescan_remove_lock,   // global: sysfs remove, pciehp, sriov_numvfs_store
  // Not one kernel lock: a bound driver's remove() stops and waits for its own DMA-API
  // traffic and its own IOMMU calls before it returns, so unbinding excludes them as if both
  // took this (the driver's own users shared, device_release_driver exclusive).
  driver_in_use,
  vfio_dev_set_lock,        // vfio_device_set->lock: the cdev's BIND_IOMMUFD, ATTACH/DETACH_IOMMUFD_PT, close
  iommufd_igroup_lock,      // iommufd_group->lock: a group's attach, replace and detach in one iommufd context
  iopt_domains_rwsem,       // io_pagetable->domains_rwsem: IOAS map/unmap (read), HWPT allocation (write)
  iommu_sva_lock,           // drivers/iommu/iommu-sva.c, global: iommu_sva_bind_device and _unbind_device
  vfio_pci_memory_lock,     // vfio_pci_core_device->memory_lock (rwsem): VFIO_DEVICE_RESET and the hot reset write it
  kCount
};
std::string_view name(LockClass c);

enum class LockMode : uint8_t { Exclusive, Shared };

struct HeldLock {
  LockClass cls{};
  uint32_t instance = 0;  // the group, container, device ... it belongs to; 0 for a global lock
  LockMode mode = LockMode::Exclusive;
  bool operator==(const HeldLock&) const = default;
};

// "iommu_group 3 ->mutex", "arm_smmu_asid_lock", "vfio_container 0 ->group_lock (read)".
std::string describe(const HeldLock& l);

// Two holders conflict unless both hold the same rwsem shared.
bool conflicts(const HeldLock& a, const HeldLock& b);

// Thrown when a CPU's operation needs a lock the preempted CPU holds: it would sleep until
// that CPU releases it, so it cannot run to completion at this interleaving point.
class WouldBlock : public std::runtime_error {
 public:
  WouldBlock(HeldLock wanted, const std::string& what) : std::runtime_error(what), wanted_(wanted) {}
  const HeldLock& wanted() const { return wanted_; }

 private:
  HeldLock wanted_;
};

// mutex_lock / down_read / down_write for the scope: recorded in the running CPU's context.
class LockGuard {
 public:
  LockGuard(System& s, LockClass cls, uint32_t instance = 0, LockMode mode = LockMode::Exclusive);
  ~LockGuard();
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  System& s_;
  HeldLock lock_;
};

// The locks the running CPU holds now, outermost first.
const std::vector<HeldLock>& held_locks(const System& s);

// Observes every lock an operation takes (tests pin each operation's lock set with it;
// one per thread, for the lifetime of the object).
class LockTrace {
 public:
  LockTrace();
  ~LockTrace();
  LockTrace(const LockTrace&) = delete;
  LockTrace& operator=(const LockTrace&) = delete;
  const std::vector<HeldLock>& taken() const { return taken_; }  // in order, each once

 private:
  friend class LockGuard;
  std::vector<HeldLock> taken_;
  LockTrace* previous_;
};

}  // namespace atslab::kernel
