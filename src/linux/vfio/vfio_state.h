#pragma once
// VFIO's legacy container/group state (drivers/vfio/container.c, group.c, vfio_iommu_type1.c).
#include <cstdint>
#include <map>
#include <vector>

#include "base/cow_vector.h"
#include "linux/iommu/iommu_core.h"
#include "linux/iommufd/iommufd_state.h"

namespace atslab::vfio {

using ContainerId = uint32_t;
using VfioGroupId = uint32_t;
inline constexpr uint32_t kNone = 0xffffffff;

struct DmaMapping {
  uint64_t paddr = 0, size = 0;
  bool operator==(const DmaMapping&) const = default;
};

// One entry of type1's iommu->domain_list: a paging domain and the groups attached to it.
// Groups share a domain when it accepts them (same driver, same SMMU instance); a group behind
// another IOMMU instance gets a domain of its own, and every mapping is replayed into it.
struct Type1Domain {
  iommu::DomainId domain = iommu::kNoDomain;
  std::vector<VfioGroupId> groups;
  bool operator==(const Type1Domain&) const = default;
};

struct Container {
  std::vector<VfioGroupId> groups;
  // VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU) done: container->iommu_driver is set, until the last
  // group leaves (ops->release drops the backend, with its domains and mappings).
  bool type1 = false;
  std::vector<Type1Domain> domains;  // type1's domain_list
  std::map<uint64_t, DmaMapping> dma;  // by IOVA
  bool operator==(const Container&) const = default;
};

// A vfio_group exists while a device of its IOMMU group is bound to vfio-pci
// (vfio_device_set_group); its /dev/vfio/N goes away with the last such device, and an fd still
// open on it refers to a dead group (iommu_group cleared: SET_CONTAINER gives -ENODEV).
// A vfio device of the group opened through VFIO_GROUP_GET_DEVICE_FD: struct vfio_device's
// open_count (the group path, unlike the cdev, lets one device be opened again while open) and
// vfio-pci's reset_works, which vfio_pci_core_enable decides at the first open.
struct GroupDeviceOpen {
  uint32_t open_count = 0;
  bool reset_works = false;
  bool operator==(const GroupDeviceOpen&) const = default;
};

struct VfioGroup {
  iommu::GroupId group = iommu::kNoGroup;  // kNoGroup once the group is dead
  ContainerId container = kNone;
  uint32_t drivers = 0;  // vfio devices registered in it (group->drivers)
  // Its devices with a device fd open, by device. Each holds one container user beside the
  // group's own (vfio_group_use_container at the first open): container_users is 1 + their number.
  std::map<pci::DevId, GroupDeviceOpen> opened;
  bool operator==(const VfioGroup&) const = default;
};

// A vfio device opened through its cdev (/dev/vfio/devices/vfioN) and bound to iommufd
// (VFIO_DEVICE_BIND_IOMMUFD): struct vfio_device's iommufd_device and iommufd_attached.
struct CdevBinding {
  iommufd::IdevId idev = iommufd::kNone;
  bool iommufd_attached = false;
  bool reset_works = false;  // vfio_pci_core_enable's reset succeeded: the last close resets too
  std::vector<uint32_t> pasids;  // vdev->pasids: the PASIDs attached through the fd, ascending
  bool operator==(const CdevBinding&) const = default;
};

struct Vfio {
  std::vector<Container> containers;
  base::CowVector<VfioGroup> groups;  // every vfio_group ever created, dead ones included
  std::map<pci::DevId, CdevBinding> cdevs;  // by device: the bound cdev files (one per device)
  bool operator==(const Vfio&) const = default;
};

}  // namespace atslab::vfio
