#pragma once
// Interleaving points: the places where the kernel's locking (spec section 6)
// lets an operation on another CPU run in the middle of this one. The kernel
// code announces each point; the simulation's scheduler, which is environment
// and not state, decides whether another CPU runs there. With no scheduler
// registered a point does nothing, so plain runs are sequential.
#include <functional>
#include <optional>
#include <string_view>

namespace atslab {
struct System;
}

namespace atslab::kernel {

enum class PreemptPoint : uint8_t {
  // arm_smmu_attach_dev*, asid_lock and group->mutex held: the new domain's
  // array is published (prepare done), the STE still points at the old domain.
  AttachAfterPrepare,
  // The STE (and CD) for the new domain is installed; commit has not run.
  AttachAfterSte,
  // arm_smmu_unmap_pages: the IOPTEs are cleared, no cache invalidated yet.
  UnmapAfterIoptes,
  // arm_smmu_domain_inv_range: the array is loaded under rcu_read_lock, its
  // rwlock not yet taken (invalidations hold no mutex, so attaches may run).
  InvAfterLoad,
  // pcie_flr: the FLR is initiated and the kernel waits for the function (msleep(100)) with
  // the device lock held, not the group mutex. With the 2026 core the device sits on the
  // group's blocking domain meanwhile and recovery_cnt is raised (pci_dev_reset_iommu_prepare).
  FlrWait,
  // pci_pm_reset with the function in D3hot (pci_dev_d3_sleep), or pci_bridge_secondary_bus_reset
  // with Secondary Bus Reset asserted (msleep(2)): the reset methods without FLR, holding the
  // device lock as flr_wait does, with the 2026 core's prepare done around them.
  ResetWait,
  kCount
};
inline constexpr size_t kPreemptPointCount = static_cast<size_t>(PreemptPoint::kCount);

std::string_view name(PreemptPoint p);
std::optional<PreemptPoint> parse_preempt_point(std::string_view s);

// True when the kernel holds arm_smmu_asid_lock and the group mutex at the point:
// no other attach can run there, only invalidations and device traffic.
bool holds_attach_locks(PreemptPoint p);

using PreemptHook = std::function<void(System&, PreemptPoint)>;

// Registers a scheduler hook for the lifetime of the object (one per thread).
// The hook is not called again while it runs: a nested operation runs whole.
class ScopedPreemptHook {
 public:
  explicit ScopedPreemptHook(PreemptHook hook);
  ~ScopedPreemptHook();
  ScopedPreemptHook(const ScopedPreemptHook&) = delete;
  ScopedPreemptHook& operator=(const ScopedPreemptHook&) = delete;

 private:
  PreemptHook previous_;
};

// Called by kernel code at each point.
void preempt_point(System& s, PreemptPoint p);

}  // namespace atslab::kernel
