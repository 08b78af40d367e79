#pragma once
// The named workloads of `atslab stress` (issue 5): each is a set-up that puts
// the scenario's machine where the workload starts, then a mix of operation
// kinds drawn at random, each as often as it appears in the mix.
//   mixed         every operation kind (the default)
//   iova-stress   the seed report's VFIO loop: MAP_DMA/UNMAP_DMA with device DMA and
//                 Translation Requests in between, and the VM restarting now and then
//   sriov-churn   VFs enabled and disabled (probe and release), drivers bound and unbound
//   domain-churn  default, blocked, VFIO paging, a driver's own paging domain, identity
//   hotplug       devices in hot-plug slots arriving and leaving under traffic
//   iommufd       the VFIO cdev path: devices bound to iommufd, attached to HWPTs, replaced from
//                 one to the other, detached, unbound, with IOAS map/unmap and their traffic
//   pasid         kernel drivers' PASIDs: attached, remapped (ATC invalidation by SSID) and
//                 detached, with PASID and untagged traffic, resets, and drivers rebound
//   nested        a guest's vSMMU: nested HWPTs from vSTEs (EATS or not) over a nest-parent S2,
//                 attached and replaced, with IOAS map/unmap, the guest's ATC invalidations and traffic
//   vfio-group    iova-stress's VM holding its devices' fds (VFIO_GROUP_GET_DEVICE_FD): fds opened
//                 and closed (vfio-pci's resets at first open and last close), VFIO_DEVICE_RESET,
//                 map/unmap and traffic, the VM restarting (UNSET_CONTAINER is -EBUSY while a fd is open)
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/scenario.h"
#include "sim/ops.h"

namespace atslab::sim {

enum class Workload : uint8_t { Mixed, IovaStress, SriovChurn, DomainChurn, Hotplug, Iommufd, Pasid, Nested, Sva,
                                VfioGroup, IommufdPasid };
inline constexpr Workload kAllWorkloads[] = {Workload::Mixed, Workload::IovaStress, Workload::SriovChurn,
                                             Workload::DomainChurn, Workload::Hotplug, Workload::Iommufd,
                                             Workload::Pasid, Workload::Nested, Workload::Sva, Workload::VfioGroup,
                                             Workload::IommufdPasid};

std::string_view name(Workload w);
std::optional<Workload> parse_workload(std::string_view s);
// "mixed, iova-stress, ..." for error messages and help.
std::string workload_names();

// The operation kinds the workload draws from, repeated by weight.
std::span<const OpKind> op_mix(Workload w);
// Whether the workload keeps to one VFIO container (c0) rather than two (and one HWPT name, h0).
bool one_container(Workload w);
// Whether the workload is a VM on the group path (iova-stress, vfio-group): its random operations
// address the VM's devices only, and its restarts are steered (stress.cc, steer_vm).
bool vm_workload(Workload w);
// iova-stress's VM: the devices its set-up hands to VFIO (two VFs of each SR-IOV PF, or the
// device itself), the only ones its random operations address.
std::vector<std::string> vm_devices(const io::Scenario& sc);
// The operations run first, in order, before the random ones.
std::vector<Op> workload_setup(Workload w, const io::Scenario& sc);
// Why the scenario's machine cannot carry the workload, or "" when it can.
std::string workload_unfit(Workload w, const io::Scenario& sc);

}  // namespace atslab::sim
